/**
 * Runs the real `herald serve` as a child process for black-box security tests: a free port, a
 * temporary data dir, only the environment the test gives (no inherited HERALD_* settings), the
 * child's stdout and stderr kept for log assertions, and a stop by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', '..', 'packages', 'server', 'bin', 'herald.js');

/** A 40-byte HMAC secret and two publisher keys, shared by the suites. */
export const SECRET = 'sec-test-hmac-secret-0123456789abcdefghij';
export const API_KEY = 'hk_security_suite_publish_key_0001';
export const OTHER_KEY = 'hk_security_suite_publish_key_0002';

export interface ServerHandle {
  url: string;
  pid: number;
  /** Everything the child wrote to stdout and stderr so far. */
  logs(): string;
  stop(): Promise<void>;
}

/** The environment of a child: PATH and HOME from ours, nothing else inherited. */
function childEnv(env: Record<string, string>, dataDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HERALD_PORT: '0',
    HERALD_HOST: '127.0.0.1',
    HERALD_DATA_DIR: dataDir,
    HERALD_LOG_LEVEL: 'info',
    ...env,
  };
}

/** Starts `herald serve` and resolves once it prints its URL; fails with the child's output. */
export async function startServer(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-sec-'));
  const child = spawn(process.execPath, [BIN, 'serve'], { env: childEnv(env, dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => finish(new Error(`herald did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const poll = setInterval(() => {
      const m = /Herald listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m) finish(null, m[1]);
    }, 50);
    // `exited` only resolves ('exit' event); after a start, finish() is a no-op.
    void exited.then((code) => finish(new Error(`herald exited (${code}) before listening:\n${out}`)));
    function finish(err: Error | null, value?: string) {
      clearTimeout(deadline);
      clearInterval(poll);
      if (err) reject(err);
      else resolve(value!);
    }
  }).catch(async (err) => {
    await kill(child, exited);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    url,
    pid: child.pid!,
    logs: () => out,
    async stop() {
      await kill(child, exited);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function kill(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(t);
}

/** Runs `herald serve` expecting it to refuse to start; resolves with its exit code and output. */
export async function runToExit(env: Record<string, string>, timeoutMs = 90_000): Promise<{ code: number | null; output: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-sec-'));
  const child = spawn(process.execPath, [BIN, 'serve'], { env: childEnv(env, dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      output += '\n[test: killed, it kept running]';
    }, timeoutMs);
    child.once('exit', (c) => {
      clearTimeout(t);
      resolve(c);
    });
  });
  rmSync(dataDir, { recursive: true, force: true });
  return { code, output };
}
