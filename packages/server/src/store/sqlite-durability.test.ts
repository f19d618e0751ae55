/** SQLite durability with real processes: a SIGKILLed writer loses nothing it acknowledged. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { T0, note } from './contract/index.ts';
import { spawnPublisher } from './fixtures/spawn-child.ts';
import { createSqliteStore } from './sqlite-store.ts';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-durable-'));
  dirs.push(dir);
  return path.join(dir, 'herald.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('sqlite durability', () => {
  it('keeps every acknowledged publish after the writing process is SIGKILLed', async () => {
    const file = tempFile();
    const child = spawnPublisher({ store: { kind: 'sqlite', path: file }, users: ['alice', 'bob'], count: 25, tag: 'killed', hold: true });
    try {
      await child.done;
    } finally {
      child.proc.kill('SIGKILL');
    }
    expect(await child.exited).toBe('SIGKILL');
    expect(child.acks).toHaveLength(25);
    const store = createSqliteStore({ path: file });
    try {
      for (const user of ['alice', 'bob']) {
        const mine = child.acks.filter((a) => a.user === user);
        const log = await store.userEventsSince(user, 0, 100);
        expect(log.map((e) => (e.type === 'notification' ? [e.notification.id, e.seq] : null))).toEqual(mine.map((a) => [a.id, a.seq]));
        expect(await store.userPosition(user)).toEqual({ last: mine.length, trimmed: 0 });
      }
    } finally {
      await store.close();
    }
  });

  it('synchronous "full" stores and reopens like the default', async () => {
    const file = tempFile();
    const first = createSqliteStore({ path: file, synchronous: 'full' });
    const [out] = await first.publish([note('alice')], T0);
    const epoch = first.epoch;
    await first.close();
    const again = createSqliteStore({ path: file });
    try {
      expect(again.epoch).toBe(epoch);
      expect(await again.listInbox('alice', { status: 'all', limit: 5 }, T0)).toStrictEqual([out!.notification]);
    } finally {
      await again.close();
    }
  });

  it('refuses a file whose schema is newer than this build', async () => {
    const file = tempFile();
    await createSqliteStore({ path: file }).close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file);
    db.prepare(`UPDATE meta SET value = '999' WHERE key = 'schema_version'`).run();
    db.close();
    expect(() => createSqliteStore({ path: file })).toThrow(/schema version 999/);
  });
});
