/**
 * `HERALD_WORKERS=2` with REDIS_URL: two worker processes share one port. A stream held by one
 * worker receives what the other worker published (over the Redis bus), `/v1/stats` counts the
 * connections of both, and SIGTERM to the primary stops every process cleanly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../packages/server/src/auth/index.ts';
import { type PrivateRedis } from '../../packages/server/src/bus/contract/private-redis.ts';
import { HeraldNode, TEST_API_KEY, TEST_SECRET } from '../support/cluster-node.ts';
import { canRunPostgres, startBoth, type PrivatePostgres } from '../support/cluster-postgres.ts';
import { ChaosStream } from '../support/cluster-sse.ts';
import { Publisher, checkDelivery, waitForDelivery } from '../support/cluster-traffic.ts';
import { until } from '../support/cluster-wait.ts';
import { hasBinary, missing } from '../support/requires.ts';

const reason = missing({ 'redis-server': hasBinary('redis-server'), 'initdb and postgres': canRunPostgres() });

/** Direct children of a pid (the cluster workers). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe.skipIf(reason)('HERALD_WORKERS=2 on one port', () => {
  let redis: PrivateRedis | undefined;
  let pg: PrivatePostgres | undefined;
  let node: HeraldNode | undefined;
  let workers: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'herald-workers-'));
  const streams: ChaosStream[] = [];

  beforeAll(async () => {
    [redis, pg] = await startBoth();
    node = await HeraldNode.create({ env: { HERALD_WORKERS: '2', DATABASE_URL: pg.url, REDIS_URL: redis.url, HERALD_DATA_DIR: dir, HERALD_DRAIN_MS: '500' } });
    await node.start();
    // /readyz answers as soon as one worker listens; the banner waits for both.
    await until('two workers', () => (workers = childrenOf(node!.pid)).length === 2, 60_000, 200);
    await until('both workers listening', () => node!.log.join('').includes('(2 workers)'), 60_000, 200);
  }, 120_000);

  afterAll(async () => {
    for (const s of streams) s.stop();
    await node?.kill();
    for (const pid of workers) if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
    // Teardown: each process is signalled already; a slow port close must not skip what follows.
    await redis?.stop().catch(() => {});
    await pg?.destroy().catch(() => {}); // as above
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('streams on either worker receive publishes handled by the other; /v1/stats counts both', async () => {
    const users = Array.from({ length: 10 }, (_, i) => `w${i}`);
    const tokens = await Promise.all(users.map((sub) => signDevToken({ secret: TEST_SECRET, sub, ttlS: 600 })));
    users.forEach((user, i) => {
      for (let k = 0; k < 4; k++) streams.push(new ChaosStream({ user, token: tokens[i]!, ports: () => [node!.port], first: 0 }));
    });
    for (const s of streams) s.connect();
    await until('40 streams live', () => streams.every((s) => s.readies > 0), 60_000);
    // The kernel spreads accepted connections over the workers; wait until the stats settle.
    let stats = await node!.stats();
    await until('stats to count all 40 streams', async () => (stats = await node!.stats()).connections === 40, 20_000, 200);
    const ownShare = stats.process.connections;
    const publisher = new Publisher({ ports: () => [node!.port], users, lanes: 2, intervalMs: 0 });
    await publisher.burst(60);
    await waitForDelivery(streams, publisher.acked, 30_000);
    expect(checkDelivery(streams, publisher.acked)).toEqual([]);
    // Both workers held streams and both handled publishes: each /v1/stats answer comes from one
    // worker, whose own count is a strict part of the cluster-wide count.
    const seen = new Map<number, number>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const s = await node!.stats();
      seen.set(s.process.connections, (seen.get(s.process.connections) ?? 0) + 1);
      expect(s.connections).toBe(40);
    }
    console.log(`workers: pids ${workers.join(',')}, per-worker connections seen ${[...seen.keys()].join(' and ')} of 40, acked ${publisher.ackedCount}`);
    expect(ownShare).toBeGreaterThan(0);
    expect(ownShare).toBeLessThan(40);
  }, 120_000);

  it('SIGTERM to the primary drains and stops every process with exit code 0', async () => {
    const all = [node!.pid, ...workers];
    const code = await node!.signal('SIGTERM', 30_000);
    expect(code).toBe(0);
    await until('all herald processes gone', () => all.every((pid) => !existsSync(`/proc/${pid}`) || /State:\s+Z/.test(readStatus(pid))), 15_000);
  }, 60_000);
});

function readStatus(pid: number): string {
  try {
    return execFileSync('cat', [`/proc/${pid}/status`]).toString();
  } catch {
    return '';
  }
}
