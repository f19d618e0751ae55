/**
 * The CLI's client commands against a dev server: `herald publish`, `herald tail` (prints the
 * live stream) and `herald keys create`. They find the dev secrets in the data dir by themselves.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cleanup, HERALD_BIN, ROOT, startHerald, track, type HeraldProcess } from './support/herald-process.ts';
import { waitFor } from './support/wait.ts';

const run = promisify(execFile);
let herald: HeraldProcess;
/** Each CLI start costs seconds on a loaded box: the offline `keys create` runs overlap the rest. */
let keys: Promise<{ code: number; stdout: string; stderr: string }[]>;

beforeAll(async () => {
  herald = await startHerald({ dev: true });
  keys = Promise.all([
    herald_(['keys', 'create', '--scopes', 'publish+admin']),
    herald_(['keys', 'create']),
    herald_(['keys', 'create', '--scopes', 'root']),
  ]);
}, 120_000);
afterAll(cleanup);

/** Runs a CLI command to its end; never throws, so exit codes can be asserted. */
async function herald_(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [HERALD_BIN, ...args], { cwd: ROOT, env: cleanEnv(), timeout: 60_000 });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('herald CLI', () => {
  it('tail --user alice prints the event that publish --to alice sends; a refused publish exits 1', { timeout: 120_000 }, async () => {
    const tail = track(
      spawn(process.execPath, [HERALD_BIN, 'tail', '--user', 'alice', '--url', herald.url, '--data-dir', herald.dataDir], {
        cwd: ROOT,
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let out = '';
    let err = '';
    tail.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    tail.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    try {
      // While tail starts (a few seconds under load), check that a refused publish exits non-zero.
      const refused = await herald_(['publish', '--to', 'alice', '--title', '', '--url', herald.url, '--data-dir', herald.dataDir]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/^400 .*"invalid_body"/);

      await waitFor(() => `herald tail to print the ready event (stderr: ${err})`, () => out.includes('event: ready'), { timeoutMs: 60_000 });
      expect(out).toMatch(/"user":"alice"/);

      const published = await herald_(['publish', '--to', 'alice', '--title', 'hi', '--severity', 'warning', '--url', herald.url, '--data-dir', herald.dataDir]);
      expect(published.code).toBe(0);
      expect(published.stdout).toMatch(/^201 /);
      const id = JSON.parse(published.stdout.slice(4)).notifications[0].id as string;

      await waitFor('herald tail to print the notification', () => out.includes(id), { timeoutMs: 15_000 });
      expect(out).toMatch(/event: notification\ndata: \{[^\n]*"title":"hi"/);
      expect(out).toMatch(/"severity":"warning"/);
    } finally {
      tail.kill('SIGKILL');
    }
  });

  it('keys create prints a new key and its HERALD_API_KEYS entry', { timeout: 90_000 }, async () => {
    const [a, b, bad] = await keys;
    expect([a.code, b.code]).toEqual([0, 0]);
    const key = a.stdout.trim();
    expect(key).toMatch(/^\S{16,}$/);
    expect(a.stderr).toContain(`${key}:publish+admin`);
    expect(b.stdout.trim()).not.toBe(key);
    expect(b.stderr).toContain(`${b.stdout.trim()}:publish`);
    expect(bad.code).toBe(2);
  });
});
