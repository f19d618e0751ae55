/**
 * A private redis-server for tests that kill or pause Redis (never the shared one other suites
 * use). Stopped by PID; no persistence, so a restart starts empty, as after a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { canConnect } from '../../../../../test/support/requires.ts';

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** SIGKILLs the server and waits until the port refuses connections. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`private redis: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const launch = async () => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = c;
    // A server that is not up in time is killed here: the caller gets no handle to stop it.
    await until('redis to accept connections', () => canConnect(port)).catch((err) => {
      c.kill('SIGKILL');
      throw err;
    });
  };
  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
    await until('redis port to close', async () => !(await canConnect(port)));
  };
  await launch();
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: launch, stop: kill };
}
