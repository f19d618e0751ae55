/**
 * Starts the real `herald serve` CLI as a child process, the way a user runs it, and stops it by
 * PID. Every process and temp dir a test file creates is registered here and removed by
 * `cleanup()` (call it in `afterAll`), so a failing test leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor, within } from './wait.ts';

/** The repository root: the CLI is started from here, like a user following the README. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const HERALD_BIN = join(ROOT, 'packages', 'server', 'bin', 'herald.js');

/** Secrets used by non-dev servers; tests sign tokens and publish with these. */
export const TEST_SECRET = 'e2e-test-secret-that-is-long-enough-0123456789';
export const TEST_API_KEY = 'hk_e2e_publisher_key_0123456789';

export interface HeraldOptions {
  /** Extra environment (HERALD_*). Overrides the defaults below. */
  env?: Record<string, string>;
  /** Reuse a data dir (restarts); default a fresh temp dir. */
  dataDir?: string;
  /** Default 0 (a free port); pass the port of a previous run to restart in place. */
  port?: number;
  /** Start with no secrets at all: dev mode generates and prints them. */
  dev?: boolean;
  /** Start-up deadline. Default 90 s: tsx compiles on a loaded box. */
  startTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HeraldProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  readonly exited: Promise<Exit>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs` (default 20 s). */
  stop(graceMs?: number): Promise<Exit>;
  /** SIGKILL: the crash case. */
  kill(): Promise<Exit>;
}

const live = new Set<ChildProcess>();
const dirs = new Set<string>();

/** A fresh temp dir, removed by `cleanup()`. */
export function tempDir(prefix = 'herald-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** The parent environment without anything that would configure Herald behind the test's back. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^HERALD_|^(DATABASE_URL|REDIS_URL|NODE_ENV|NODE_OPTIONS)$/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

export async function startHerald(o: HeraldOptions = {}): Promise<HeraldProcess> {
  const dataDir = o.dataDir ?? tempDir();
  const env: Record<string, string> = {
    ...cleanEnv(),
    HERALD_HOST: '127.0.0.1',
    HERALD_PORT: String(o.port ?? 0),
    HERALD_DATA_DIR: dataDir,
    HERALD_LOG_LEVEL: 'warn',
    ...(o.dev ? {} : { HERALD_JWT_SECRET: TEST_SECRET, HERALD_API_KEYS: `${TEST_API_KEY}:publish+admin` }),
    ...o.env,
  };
  const child = spawn(process.execPath, [HERALD_BIN, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const append = (b: Buffer) => {
    out += b.toString('utf8');
    if (out.length > 400_000) out = out.slice(-200_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  let exit: Exit | undefined;
  void exited.then((e) => (exit = e)); // `exited` only resolves ('exit' event)

  const url = await waitFor(
    'Herald to print "Herald listening on"',
    () => {
      if (exit) throw new Error(`herald exited early (${exit.code ?? exit.signal}):\n${out}`);
      const m = /Herald listening on (http:\/\/[^\s]+)/.exec(out);
      // In dev mode the banner ends with the curl lines; wait for all of it.
      if (m && (!o.dev || /curl -X POST/.test(out))) return m[1]!;
      return undefined;
    },
    { timeoutMs: o.startTimeoutMs ?? 90_000, intervalMs: 25 },
  ).catch((err) => {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- output ---\n${out}`);
  });

  const stop = async (graceMs = 20_000): Promise<Exit> => {
    if (exit) return exit;
    child.kill('SIGTERM');
    try {
      return await within('herald to exit after SIGTERM', exited, graceMs);
    } catch {
      child.kill('SIGKILL');
      return exited;
    }
  };
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    dataDir,
    output: () => out,
    exited,
    stop,
    async kill() {
      if (exit) return exit;
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Registers another child (CLI commands, curl) so `cleanup()` stops it too. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Stops every process this file started (SIGTERM, then SIGKILL) and removes its temp dirs. */
export async function cleanup(): Promise<void> {
  await Promise.all(
    [...live].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    }),
  );
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

// Last resort if a test file dies without reaching afterAll: never leave a server running.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
