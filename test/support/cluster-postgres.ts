/**
 * A private Postgres for tests that stop and restart the database (never the shared one other
 * suites use): `initdb` into a temp dir, `postgres` on a free port, fsync off. As root the server
 * runs as the `postgres` OS user (Postgres refuses to run as root). Stopped by PID.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../packages/server/src/bus/contract/private-redis.ts';
import { canConnect, hasBinary } from './requires.ts';
import { reap } from './cluster-reaper.ts';
import { until } from './cluster-wait.ts';

export interface PrivatePostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  /** Immediate shutdown (SIGQUIT to the postmaster, like a crash), waits until the port is closed. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data dir; resolves once it accepts queries. */
  start(): Promise<void>;
  /** Stops it and removes the data dir. */
  destroy(): Promise<void>;
}

/** Whether this box can run a private Postgres. */
export function canRunPostgres(): boolean {
  return hasBinary('initdb') && hasBinary('postgres');
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'herald-pg-'));
  const data = join(dir, 'data');
  const owner = postgresUser();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  execFileSync('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'], { stdio: 'ignore', ...owner, cwd: dir });
  let child: ChildProcess | null = null;
  const log: string[] = [];

  const start = async () => {
    const c = reap(spawn('postgres', ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200', '-c', 'full_page_writes=off'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: dir,
      ...owner,
    }));
    c.stderr!.on('data', (d: Buffer) => log.push(d.toString()) > 50 && log.shift());
    child = c;
    await until('postgres to accept connections', async () => {
      if (c.exitCode !== null) throw new Error(`postgres exited: ${log.join('')}`);
      return (await canConnect(port)) && ready();
    }, 30_000);
  };
  // Accepting TCP is not enough: during recovery it answers "the database system is starting up".
  const ready = async () => {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {}); // a probe: a client that never connected has nothing to end
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGQUIT');
    const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    // Backends are children of the postmaster; wait until the pid file is gone or port closed.
    await until('postgres port to close', async () => !(await canConnect(port)), 15_000);
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a private Redis and a private Postgres together. If one fails, the other is stopped
 * before the error is thrown, so nothing is left running that afterAll cannot reach.
 */
export async function startBoth(): Promise<[PrivateRedis, PrivatePostgres]> {
  const [r, p] = await Promise.allSettled([startPrivateRedis(), startPrivatePostgres()]);
  if (r.status === 'fulfilled' && p.status === 'fulfilled') return [r.value, p.value];
  // Cleanup on the way to throwing the start-up error, which is the one worth reporting.
  if (r.status === 'fulfilled') await r.value.stop().catch(() => {});
  if (p.status === 'fulfilled') await p.value.destroy().catch(() => {}); // as above
  throw r.status === 'rejected' ? r.reason : (p as PromiseRejectedResult).reason;
}
