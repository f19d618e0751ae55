/** Group commit on a real SQLite file: what a failed batch may and may not leave behind. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteFault } from './sqlite-faults.ts';
import { createGroupCommit } from './sqlite-group-commit.ts';

const open: Database.Database[] = [];
const dirs: string[] = [];
function database(): { db: Database.Database; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-group-'));
  dirs.push(dir);
  const file = path.join(dir, 'g.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v TEXT NOT NULL)');
  open.push(db);
  return { db, file };
}
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const rows = (file: string) => {
  const other = new Database(file, { readonly: true });
  try {
    return (other.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: string }[]).map((r) => r.v);
  } finally {
    other.close();
  }
};

describe('sqlite group commit', () => {
  it('a transaction left open by a failed rollback is closed before the next batch, never nested into: what is acknowledged is committed', async () => {
    const { db, file } = database();
    const commits = createGroupCommit(db);
    // What a ROLLBACK that failed with an I/O error leaves: an open transaction with writes in it.
    db.exec('BEGIN');
    db.prepare('INSERT INTO t (v) VALUES (?)').run('half-written');
    await commits.write(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('acknowledged'));
    expect(db.inTransaction).toBe(false);
    expect(rows(file)).toEqual(['acknowledged']);
  });

  it('a batch that meets a storage fault is refused whole, each write tried once, and the next batch commits', async () => {
    const { db, file } = database();
    const commits = createGroupCommit(db, { admit() {}, verify() {}, isFault: (err) => sqliteFault(err) !== null, committed() {} });
    await commits.write(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('before'));
    // SQLITE_FULL from SQLite itself: the file may not grow by one more page.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const runs = new Map<number, number>();
    const big = 'x'.repeat(3000);
    const batch = Array.from({ length: 8 }, (_, i) =>
      commits.write(() => {
        runs.set(i, (runs.get(i) ?? 0) + 1);
        return db.prepare('INSERT INTO t (v) VALUES (?)').run(`${i}${big}`);
      }),
    );
    const settled = await Promise.allSettled(batch);
    expect(settled.map((s) => s.status)).toEqual(Array(8).fill('rejected'));
    expect(settled.map((s) => s.status === 'rejected' && sqliteFault(s.reason))).toEqual(Array(8).fill('disk_full'));
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(rows(file)).toEqual(['before']);

    db.pragma('max_page_count = 1073741823');
    await commits.write(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('after'));
    expect(rows(file)).toEqual(['before', 'after']);
  });

  it('a write that fails alone (not a storage fault) fails alone; the rest of its batch commits', async () => {
    const { db, file } = database();
    const commits = createGroupCommit(db, { admit() {}, verify() {}, isFault: (err) => sqliteFault(err) !== null, committed() {} });
    const insert = (v: string | null) => commits.write(() => db.prepare('INSERT INTO t (v) VALUES (?)').run(v));
    const settled = await Promise.allSettled([insert('a'), insert(null), insert('c')]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows(file)).toEqual(['a', 'c']);
  });

  it('a batch is not acknowledged when the check after its commit refuses it', async () => {
    const { db } = database();
    let refuse = false;
    const commits = createGroupCommit(db, {
      admit() {},
      verify() {
        if (refuse) throw new Error('file moved');
      },
      isFault: () => true,
      committed() {},
    });
    const write = commits.write(() => {
      refuse = true; // the file goes away while the batch runs: the check after COMMIT sees it
      return db.prepare('INSERT INTO t (v) VALUES (?)').run('into a lost file');
    });
    await expect(write).rejects.toThrow('file moved');
  });
});
