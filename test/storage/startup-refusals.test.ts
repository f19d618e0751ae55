/**
 * `herald serve` at start-up, with the real CLI: a missing database file starts fresh; anything
 * unusable in its place (an empty file, a directory, a file that is not a database, a corrupt
 * page, a read-only file system) exits non-zero with ONE `herald: …` line on stderr and no stack
 * trace. An empty file is refused, not taken as a new store: it is most likely a lost database.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync, closeSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../packages/server/src/store/sqlite-store.ts';
import { StoreOpenError } from '../../packages/server/src/store/errors.ts';
import { HERALD_BIN, ROOT, TEST_API_KEY, TEST_SECRET, cleanEnv, cleanup, startHerald, tempDir, track } from '../e2e/support/herald-process.ts';
import { within } from '../e2e/support/wait.ts';
import { canConnect, missing } from '../support/requires.ts';
import { BYPASSES_PERMISSIONS, mountTinyFs } from './support/tiny-fs.ts';

afterAll(cleanup);

/** Runs `herald serve` on `dataDir` and waits for it to exit (it must not start). */
async function refusal(dataDir: string, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const env = { ...cleanEnv(), ...extraEnv, HERALD_HOST: '127.0.0.1', HERALD_PORT: '0', HERALD_DATA_DIR: dataDir, HERALD_LOG_LEVEL: 'warn', HERALD_JWT_SECRET: TEST_SECRET, HERALD_API_KEYS: `${TEST_API_KEY}:publish+admin` };
  const child = track(spawn(process.execPath, [HERALD_BIN, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  // A server that starts anyway is the failure: stop it at once rather than wait for a timeout.
  child.stdout!.on('data', (b: Buffer) => {
    stdout += b.toString();
    if (/Herald listening/.test(stdout)) child.kill('SIGKILL');
  });
  const code = await within(`herald on ${dataDir} to exit`, exited, 90_000).finally(() => child.kill('SIGKILL'));
  return { code, stderr, stdout };
}

function expectOneLine(r: { code: number | null; stderr: string; stdout: string }, pattern: RegExp) {
  expect(r.stdout, 'it must not have started').not.toMatch(/Herald listening/);
  expect(r.code).not.toBe(0);
  expect(r.code).not.toBeNull();
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^herald: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A real Herald database with a few hundred notifications, so it spans many pages. */
async function realDatabase(dir: string): Promise<string> {
  const file = join(dir, 'herald.db');
  const store = createSqliteStore({ path: file });
  for (let i = 0; i < 20; i++) {
    await store.publish(Array.from({ length: 20 }, (_, j) => ({ id: `n${i}-${j}`, recipient: `u${j}`, title: `t${i}`, body: 'b'.repeat(200), severity: 'info' as const })), 1_700_000_000_000);
  }
  await store.close();
  return file;
}

describe('start-up on an unusable database file', { timeout: 120_000 }, () => {
  it('a missing database file starts a fresh store', async () => {
    const dir = tempDir();
    const h = await startHerald({ dataDir: dir });
    expect(existsSync(join(dir, 'herald.db'))).toBe(true);
    await h.stop();
  });

  it('an empty (0-byte) database file is refused with one line saying how to start fresh', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'herald.db'), '');
    expectOneLine(await refusal(dir), /herald\.db is an empty file.*delete it/);
  });

  it('a directory where the database file should be is refused with one line', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'herald.db'));
    expectOneLine(await refusal(dir), /herald\.db is a directory/);
  });

  it('a file that is not a database is refused with one line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'herald.db'), 'these are my notes, not a database\n'.repeat(200));
    expectOneLine(await refusal(dir), /herald\.db is not a SQLite database/);
  });

  it('a database with a corrupted page is refused with one line', async () => {
    const dir = tempDir();
    const file = await realDatabase(dir);
    const db = new Database(file, { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const root = (db.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 'notifications'`).get() as { rootpage: number }).rootpage;
    db.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (root - 1) * pageSize);
    closeSync(fd);
    expectOneLine(await refusal(dir), /herald\.db is corrupt/);
  });

  it('a database on a read-only file system (or a read-only file) is refused with one line', async () => {
    if (!BYPASSES_PERMISSIONS) {
      const dir = tempDir();
      const file = await realDatabase(dir);
      chmodSync(file, 0o444);
      chmodSync(dir, 0o555);
      try {
        expectOneLine(await refusal(dir), /herald\.db cannot be written/);
      } finally {
        chmodSync(dir, 0o755);
      }
      return;
    }
    const fs = mountTinyFs(4);
    if ('reason' in fs) {
      // Root ignores file modes, so only a read-only mount makes a read-only file for it.
      console.warn(`read-only start-up: ${fs.reason}; opening a read-only connection instead`);
      const dir = tempDir();
      const file = await realDatabase(dir);
      expect(() => createSqliteStore({ path: file, open: (p) => new Database(p, { readonly: true }) })).toThrow(StoreOpenError);
      expect(() => createSqliteStore({ path: file, open: (p) => new Database(p, { readonly: true }) })).toThrow(/cannot be written/);
      return;
    }
    try {
      await realDatabase(fs.dir);
      expect(readFileSync(join(fs.dir, 'herald.db')).length).toBeGreaterThan(0);
      fs.readOnly();
      expectOneLine(await refusal(fs.dir), /herald\.db cannot be written/);
    } finally {
      fs.unmount();
    }
  });

  it('a Postgres that cannot be reached at start-up is refused with one line that never shows the URL', async () => {
    const r = await refusal(tempDir(), { DATABASE_URL: 'postgres://herald:s3cret-pw@127.0.0.1:1/herald' });
    expectOneLine(r, /^herald: Postgres \(DATABASE_URL\) cannot be used: .*ECONNREFUSED/);
    expect(r.stderr).not.toMatch(/s3cret-pw/);
  });

  it('a Postgres that is down at start-up exits 75 (temporary: the service manager starts it again), not 78 like a broken file', async () => {
    expect((await refusal(tempDir(), { DATABASE_URL: 'postgres://herald@127.0.0.1:1/herald' })).code).toBe(75);
    const skipReason = missing({ 'redis on 127.0.0.1:6379': await canConnect(6379) });
    if (skipReason) return;
    // With workers too: the whole cluster stops with one line, instead of restarting workers in a loop.
    const r = await refusal(tempDir(), { DATABASE_URL: 'postgres://herald@127.0.0.1:1/herald', HERALD_WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:6379' });
    expectOneLine(r, /ECONNREFUSED/);
    expect(r.code).toBe(75);
  });

  it('with workers, an unusable database stops the whole cluster with one line instead of restarting workers forever', async () => {
    const skipReason = missing({ 'redis on 127.0.0.1:6379': await canConnect(6379) });
    if (skipReason) return;
    const dir = tempDir();
    writeFileSync(join(dir, 'herald.db'), '');
    const r = await refusal(dir, { HERALD_WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:6379' });
    expectOneLine(r, /herald\.db is an empty file/);
    expect(r.code).toBe(78);
  });
});
