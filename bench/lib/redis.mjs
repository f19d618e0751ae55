/** A private redis-server on a free port (no persistence), so bench traffic never meets tests'. */
import { execFileSync } from 'node:child_process';
import { freePort, spawnPinned, stopPid, sleep } from './proc.mjs';
import net from 'node:net';

export function hasRedisServer() {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Starts redis-server pinned to `cpu`; returns `{url, stop}`. */
export async function startRedis(cpu) {
  const port = await freePort();
  const child = spawnPinned(cpu, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return { url: `redis://127.0.0.1:${port}`, pid: child.pid, stop: () => stopPid(child) };
    await sleep(100);
  }
  await stopPid(child);
  throw new Error(`redis-server did not start: ${child.logs}`);
}
