/**
 * The SQLite store keeps its epoch across every restart of one database (clean or SIGKILL-like),
 * and hands out a new one when the file in place is older than the one this data dir last ran.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isRestoredCopy } from '../../packages/server/src/store/sqlite-lineage.ts';
import { createSqliteStore } from '../../packages/server/src/store/sqlite-store.ts';
import type { Store } from '../../packages/server/src/store/store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function fresh(): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-lineage-'));
  dirs.push(dir);
  return join(dir, 'herald.db');
}
const note = (id: string) => ({ id, recipient: 'ann', title: id, severity: 'info' as const });
const retention = { userEventMaxCount: Infinity, userEventAgeMs: Infinity, topicMaxCount: Infinity, topicAgeMs: Infinity };

/** Opens the store through a connection the test keeps, so it can "crash" (close without the store). */
function openKeeping(file: string): { store: Store; crash: () => void } {
  let db: Database.Database | undefined;
  const store = createSqliteStore({ path: file, open: (p) => (db = new Database(p)) });
  return { store, crash: () => db!.close() };
}

describe('a restored copy of the SQLite database', () => {
  it('isRestoredCopy: only a database behind the generation recorded beside it', () => {
    expect(isRestoredCopy(3, undefined)).toBe(false);
    expect(isRestoredCopy(3, 3)).toBe(false);
    expect(isRestoredCopy(4, 3)).toBe(false); // the file write after a commit was lost: same lineage
    expect(isRestoredCopy(2, 3)).toBe(true);
  });

  it('keeps its epoch across clean restarts and crashes, with or without a trim in between', async () => {
    const file = fresh();
    const first = createSqliteStore({ path: file });
    const epoch = first.epoch;
    await first.publish([note('a')], Date.now());
    await first.trim(retention, Date.now());
    await first.close();
    const second = openKeeping(file);
    expect(second.store.epoch).toBe(epoch);
    await second.store.publish([note('b')], Date.now());
    second.crash();
    const third = createSqliteStore({ path: file });
    expect(third.epoch).toBe(epoch);
    await third.close();
  });

  it('a copy taken while running and restored after a clean stop gets a new epoch', async () => {
    const file = fresh();
    const backup = `${file}.backup`;
    const store = createSqliteStore({ path: file });
    const epoch = store.epoch;
    await store.publish([note('a')], Date.now());
    copyFileSync(file, backup); // WAL mode: the committed row may still be in the -wal; the copy is older either way
    await store.publish([note('b')], Date.now());
    await store.close();
    copyFileSync(backup, file);
    const restored = createSqliteStore({ path: file });
    expect(restored.epoch).not.toBe(epoch);
    await restored.close();
    const again = createSqliteStore({ path: file });
    expect(again.epoch).toBe(restored.epoch); // rotated once, then stable
    await again.close();
  });

  it('a copy taken before the last periodic trim and restored after a crash gets a new epoch', async () => {
    const file = fresh();
    const backup = `${file}.backup`;
    const first = createSqliteStore({ path: file });
    await first.close();
    copyFileSync(file, backup);
    const running = openKeeping(file);
    const epoch = running.store.epoch;
    await running.store.trim(retention, Date.now());
    running.crash();
    for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    copyFileSync(backup, file);
    const restored = createSqliteStore({ path: file });
    expect(restored.epoch).not.toBe(epoch);
    await restored.close();
  });
});
