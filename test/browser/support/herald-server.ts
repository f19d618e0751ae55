/**
 * Starts the real `herald serve` (dev mode, SQLite in a temp dir) as a child process for
 * browser tests, and stops it by PID. `restart()` keeps the port and the data dir, so clients
 * resume against the same store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevToken } from '../../../packages/server/src/auth/dev-token.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

export interface HeraldServer {
  url: string;
  /** The dev API key (publish+admin). */
  apiKey: string;
  /** A subscriber token for any user, signed with the dev secret (all topics); default lifetime 1 h. */
  token(user: string, ttlS?: number): Promise<string>;
  /** Publishes a notification with the dev API key. */
  publish(body: Record<string, unknown>): Promise<{ notifications: { id: string; recipient: string }[] }>;
  /** Open streams of one user, from `/v1/presence`. */
  streams(user: string): Promise<number>;
  /** Fetches `/v1/stats` with the dev API key. */
  stats(): Promise<Record<string, unknown>>;
  /** SIGTERM (or SIGKILL with `kill: true`), wait for exit. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Starts again on the same port and data dir. */
  start(): Promise<void>;
  /** Stops and removes the data dir. */
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startHerald(env: Record<string, string> = {}): Promise<HeraldServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-browser-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let apiKey = '';
  const url = `http://127.0.0.1:${port}`;

  async function start(): Promise<void> {
    const proc = spawn(process.execPath, [join(ROOT, 'packages/server/bin/herald.js'), 'serve'], {
      cwd: ROOT,
      env: { ...process.env, HERALD_PORT: String(port), HERALD_HOST: '127.0.0.1', HERALD_DATA_DIR: dataDir, HERALD_LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`herald did not start within 30 s:\n${out}`)), 30_000);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const key = /API key \(publish\+admin\): (\S+)/.exec(out);
        if (/Herald listening on/.test(out) && key) {
          apiKey = key[1];
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`herald exited with ${code}:\n${out}`));
      });
    });
  }

  async function stop(options: { kill?: boolean } = {}): Promise<void> {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(options.kill ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  await start();
  return {
    url,
    get apiKey() {
      return apiKey;
    },
    token: (user, ttlS = 3600) => {
      const { jwtSecret } = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as { jwtSecret: string };
      return signDevToken({ secret: jwtSecret, sub: user, topics: ['**'], ttlS });
    },
    publish: (body) => api('POST', '/v1/notifications', body),
    stats: () => api('GET', '/v1/stats'),
    streams: async (user) => (await api<{ users: Record<string, { streams: number }> }>('GET', `/v1/presence?users=${encodeURIComponent(user)}`)).users[user]?.streams ?? 0,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
