/**
 * Storage faults while Herald runs on SQLite, in process over real HTTP: each refuses writes with
 * 503 + Retry-After (never a 500, never a 2xx for what was not kept), fails `/readyz` with the
 * reason, is logged once and counted, and recovers by itself when it is a passing fault. The
 * faults are SQLite's own: a read-only connection (`query_only`), a lock held by another
 * connection, the file removed or replaced under the open connection, a page overwritten.
 */
import { closeSync, copyFileSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { call, signToken } from '../e2e/support/api.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { ledger, readyz } from './support/ledger.ts';
import { startSqliteApp, type SqliteApp } from './support/sqlite-app.ts';

let app: SqliteApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function metric(base: string, line: RegExp): Promise<string | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return text.split('\n').find((l) => line.test(l));
}

async function expectRefusedAndNotReady(a: SqliteApp, book: ReturnType<typeof ledger>, fault: string) {
  const r = await book.publish();
  expect(r).toMatchObject({ status: 503, code: 'unavailable' });
  expect(r.retryAfter).toBe('1');
  const ready = await waitFor(`/readyz to say ${fault}`, async () => {
    const x = await readyz(a.url);
    return x.status === 503 && x.body.reasons?.store === fault && x;
  });
  expect(ready.body).toMatchObject({ ok: false, checks: { store: false } });
  expect(await metric(a.url, /^herald_store_writable /)).toBe('herald_store_writable 0');
  expect(await metric(a.url, new RegExp(`^herald_store_faults_total\\{fault="${fault}"\\}`))).toMatch(/ [1-9]\d*$/);
}

describe('storage faults at run time (SQLite)', () => {
  it('a read-only database answers writes 503 with Retry-After, fails /readyz, says so once, and recovers when writable again', async () => {
    app = await startSqliteApp();
    const book = ledger(() => app!.url);
    expect((await book.publish()).status).toBe(201);
    app.db().pragma('query_only = ON');
    await expectRefusedAndNotReady(app, book, 'read_only');
    for (let i = 0; i < 3; i++) await book.publish();
    expect(app.changes.filter((c) => !c.writable)).toEqual([expect.objectContaining({ fault: 'read_only' })]);
    app.db().pragma('query_only = OFF');
    await waitFor('/readyz to recover', async () => (await readyz(app!.url)).status === 200);
    expect((await book.publish()).status).toBe(201);
    expect(app.changes.at(-1)).toMatchObject({ writable: true });
    book.expectOnlyCleanRefusals();
    await book.expectInboxesExact();
  });

  it('a lock held by another process answers writes 503 (busy) instead of hanging, and recovers when it is released', async () => {
    app = await startSqliteApp({ busyTimeoutMs: 50 });
    const book = ledger(() => app!.url);
    expect((await book.publish()).status).toBe(201);
    const other = new Database(app.file);
    try {
      other.exec('BEGIN IMMEDIATE');
      await expectRefusedAndNotReady(app, book, 'busy');
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    await waitFor('/readyz to recover', async () => (await readyz(app!.url)).status === 200);
    expect((await book.publish()).status).toBe(201);
    book.expectOnlyCleanRefusals();
    await book.expectInboxesExact();
  });

  it('a deleted data dir stops every write from being acknowledged, fails /readyz with file_moved, and says so once', async () => {
    app = await startSqliteApp();
    const book = ledger(() => app!.url);
    expect((await book.publish()).status).toBe(201);
    rmSync(app.dir, { recursive: true, force: true });
    await expectRefusedAndNotReady(app, book, 'file_moved');
    for (let i = 0; i < 3; i++) expect((await book.publish()).status).toBe(503);
    expect(app.changes).toEqual([expect.objectContaining({ writable: false, fault: 'file_moved' })]);
    expect(app.changes[0]!.detail).toMatch(/removed or replaced/);
    // It lasts: a later probe does not declare the lost file writable again.
    await new Promise((r) => setTimeout(r, 300));
    expect((await readyz(app.url)).status).toBe(503);
  });

  it('a database file replaced while open (a backup copied over it) stops acknowledging writes', async () => {
    app = await startSqliteApp();
    const book = ledger(() => app!.url);
    expect((await book.publish()).status).toBe(201);
    const copy = join(app.dir, 'restored.db');
    copyFileSync(app.file, copy);
    renameSync(copy, app.file);
    await expectRefusedAndNotReady(app, book, 'file_moved');
    book.expectOnlyCleanRefusals();
  });

  it('a page corrupted under a running store answers 503, not 500, and writes stay refused', async () => {
    app = await startSqliteApp();
    const book = ledger(() => app!.url);
    for (let i = 0; i < 30; i++) expect((await book.publish()).status).toBe(201);
    // Move every page into the main file, then overwrite the inbox table's root page there.
    const other = new Database(app.file);
    other.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = other.pragma('page_size', { simple: true }) as number;
    const root = (other.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 'notifications'`).get() as { rootpage: number }).rootpage;
    const fd = openSync(app.file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (root - 1) * pageSize);
    closeSync(fd);
    // A commit from another connection makes the store's connection drop its page cache.
    other.prepare(`INSERT INTO meta (key, value) VALUES ('touch', '1') ON CONFLICT (key) DO UPDATE SET value = '2'`).run();
    other.close();

    const inbox = await call('GET', `${app.url}/v1/inbox?status=all`, { bearer: await signToken('ann') });
    expect(inbox.status).toBe(503);
    expect(inbox.body.error.code).toBe('unavailable');
    expect(inbox.headers.get('retry-after')).toBe('1');
    await expectRefusedAndNotReady(app, book, 'corrupt');
    book.expectOnlyCleanRefusals();
  });
});
