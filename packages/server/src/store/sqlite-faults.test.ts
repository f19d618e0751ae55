/** SQLite storage faults: which result codes are faults, and how the store reports them. */
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { T0, note } from './contract/index.ts';
import { StoreUnavailableError } from './errors.ts';
import { sqliteFault } from './sqlite-faults.ts';
import { createSqliteStore } from './sqlite-store.ts';
import type { Store, StoreHealthChange } from './store.ts';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function open(o: { probeEveryMs?: number } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-faults-'));
  dirs.push(dir);
  const file = path.join(dir, 'herald.db');
  const changes: StoreHealthChange[] = [];
  let db!: Database.Database;
  const store = createSqliteStore({ path: file, open: (p) => (db = new Database(p)), onHealth: (c) => changes.push(c), ...o });
  stores.push(store);
  return { store, file, changes, db: () => db };
}

describe('sqlite storage faults', () => {
  it.each([
    ['SQLITE_FULL', 'disk_full'],
    ['SQLITE_IOERR', 'io_error'],
    ['SQLITE_IOERR_WRITE', 'io_error'],
    ['SQLITE_IOERR_FSYNC', 'io_error'],
    ['SQLITE_READONLY', 'read_only'],
    ['SQLITE_READONLY_DIRECTORY', 'read_only'],
    ['SQLITE_READONLY_DBMOVED', 'file_moved'],
    ['SQLITE_PERM', 'read_only'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_CORRUPT_INDEX', 'corrupt'],
    ['SQLITE_NOTADB', 'corrupt'],
    ['SQLITE_CANTOPEN', 'cannot_open'],
    ['SQLITE_CANTOPEN_ISDIR', 'cannot_open'],
    ['SQLITE_BUSY', 'busy'],
    ['SQLITE_BUSY_SNAPSHOT', 'busy'],
    ['SQLITE_LOCKED', 'busy'],
    ['SQLITE_PROTOCOL', 'busy'],
    ['SQLITE_CONSTRAINT_UNIQUE', null],
    ['SQLITE_ERROR', null],
    ['SQLITE_TOOBIG', null],
    ['SQLITE_MISMATCH', null],
    ['ECONNREFUSED', null],
  ])('%s is classified as %s', (code, fault) => {
    expect(sqliteFault(Object.assign(new Error('x'), { code }))).toBe(fault);
  });

  it('a storage fault rejects with StoreUnavailableError (503 unavailable, Retry-After) and is reported once per change', async () => {
    const { store, changes, db } = open();
    db().pragma('query_only = ON');
    for (let i = 0; i < 3; i++) {
      const err = await store.publish([note('alice')], T0).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(err).toMatchObject({ code: 'unavailable', status: 503, retryAfter: 1, fault: 'read_only' });
    }
    expect(changes).toEqual([expect.objectContaining({ writable: false, fault: 'read_only' })]);
    expect(store.health!()).toEqual({ writable: false, fault: 'read_only', faults: { read_only: 3 } });
    db().pragma('query_only = OFF');
    await store.publish([note('alice')], T0);
    expect(changes.at(-1)).toMatchObject({ writable: true });
    expect(store.health!()).toMatchObject({ writable: true, faults: { read_only: 3 } });
  });

  it('ping writes a probe row only after a quiet interval, shared by concurrent callers', async () => {
    const { store, db } = open({ probeEveryMs: 60_000 });
    const probes = () => Number((db().prepare(`SELECT value FROM meta WHERE key = 'probe'`).get() as { value: string } | undefined)?.value ?? 0);
    await Promise.all(Array.from({ length: 20 }, () => store.ping()));
    await store.ping();
    expect(probes()).toBe(1);
    const quick = open({ probeEveryMs: 0 });
    await quick.store.ping();
    await quick.store.ping();
    expect(Number((quick.db().prepare(`SELECT value FROM meta WHERE key = 'probe'`).get() as { value: string }).value)).toBe(2);
  });

  it('ping answers from the latest write: a write that met a fault fails it at once, one that committed clears it', async () => {
    const { store, db } = open({ probeEveryMs: 60_000 });
    await store.ping();
    db().pragma('query_only = ON');
    await expect(store.publish([note('alice')], T0)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toMatchObject({ fault: 'read_only' });
    db().pragma('query_only = OFF');
    await store.publish([note('alice')], T0);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('the database file removed under the store refuses writes for good, ping included, and says so once', async () => {
    const { store, file, changes } = open();
    const [kept] = await store.publish([note('alice')], T0);
    unlinkSync(file);
    await expect(store.publish([note('alice')], T0)).rejects.toMatchObject({ fault: 'file_moved' });
    await expect(store.changeState('alice', 'read', { all: true }, T0)).rejects.toMatchObject({ fault: 'file_moved' });
    await expect(store.appendTopicEvent('t', 'message', '{}', T0)).rejects.toMatchObject({ fault: 'file_moved' });
    await expect(store.ping()).rejects.toMatchObject({ fault: 'file_moved' });
    expect(changes).toEqual([expect.objectContaining({ writable: false, fault: 'file_moved' })]);
    // Reads go on from the open file: streams and inboxes keep working until a restart.
    expect((await store.listInbox('alice', { status: 'all', limit: 5 }, T0)).map((n) => n.id)).toContain(kept!.notification.id);
  });
});
