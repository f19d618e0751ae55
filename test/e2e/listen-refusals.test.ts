/**
 * `herald serve` that cannot listen (the port taken, often by the previous Herald still draining;
 * a host that is not an address of this machine or does not resolve) stops with ONE `herald:`
 * line naming the address and the fix, never a Node stack trace. A taken port may free itself, so
 * it exits 75 (a service manager tries again); a wrong host is configuration and exits 78.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { HERALD_BIN, ROOT, TEST_API_KEY, TEST_SECRET, cleanEnv, cleanup, tempDir, track } from './support/herald-process.ts';
import { canConnect } from '../support/requires.ts';
import { within } from './support/wait.ts';

afterAll(cleanup);

async function serve(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const full = { ...cleanEnv(), HERALD_HOST: '127.0.0.1', HERALD_PORT: '0', HERALD_DATA_DIR: tempDir(), HERALD_LOG_LEVEL: 'warn', HERALD_JWT_SECRET: TEST_SECRET, HERALD_API_KEYS: `${TEST_API_KEY}:publish+admin`, ...env };
  const child = track(spawn(process.execPath, [HERALD_BIN, 'serve'], { cwd: ROOT, env: full, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => {
    stdout += b.toString();
    if (/Herald listening/.test(stdout)) child.kill('SIGKILL'); // started anyway: the failure
  });
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await within('herald to exit', new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c))), 90_000);
  // Node's warnings about its own APIs are not Herald's output.
  stderr = stderr.split('\n').filter((l) => l && !/Warning|--trace-warnings/.test(l)).join('\n');
  return { code, stderr, stdout };
}

function expectOneLine(r: { stderr: string; stdout: string }, pattern: RegExp) {
  expect(r.stdout).not.toMatch(/Herald listening/);
  const lines = r.stderr.split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^herald: /);
  expect(lines[0]).toMatch(pattern);
}

describe('herald serve that cannot listen', { timeout: 120_000 }, () => {
  it('a port already in use stops with one line naming it, exit 75', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const r = await serve({ HERALD_PORT: String(port) });
      expectOneLine(r, new RegExp(`127\\.0\\.0\\.1:${port}.*in use.*HERALD_PORT`));
      expect(r.code).toBe(75);
      if (await canConnect(6379)) {
        // Workers: one line for the cluster and one exit, not workers restarted in a loop.
        const w = await serve({ HERALD_PORT: String(port), HERALD_WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:6379' });
        expectOneLine(w, /in use/);
        expect(w.code).toBe(75);
      }
    } finally {
      holder.close();
    }
  });

  it('a host that is not an address of this machine, or does not resolve, stops with one line, exit 78', async () => {
    for (const host of ['10.254.254.254', '999.1.1.1']) {
      const r = await serve({ HERALD_HOST: host });
      expectOneLine(r, new RegExp(`${host.replace(/\./g, '\\.')}.*HERALD_HOST`));
      expect(r.code, host).toBe(78);
    }
  });
});
