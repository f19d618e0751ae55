/**
 * Stream limits under a burst: many stream requests from one address arrive at once (a reconnect
 * storm, or one client opening sockets in a loop) at a node whose presence lives in Redis. The
 * decision waits on Redis, so every request of the burst is in flight together; the per-address
 * limit must still admit no more than `HERALD_MAX_STREAMS_PER_IP`, and the per-user limit no more
 * than `HERALD_MAX_STREAMS_PER_USER`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../packages/server/src/bus/contract/private-redis.ts';
import { signToken } from '../e2e/support/api.ts';
import { cleanup, startHerald, type HeraldProcess } from '../e2e/support/herald-process.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { hasBinary, missing } from '../support/requires.ts';
import { connectRaw, fdCount, request, type RawConnection } from './support/raw-http.ts';

const reason = missing({ 'redis-server': hasBinary('redis-server') });
const PER_IP = 20;
const PER_USER = 5;
const BURST = 120;

describe.skipIf(reason)('stream limits when a burst of stream requests arrives at once', () => {
  let redis: PrivateRedis | undefined;
  let herald: HeraldProcess;
  const conns: RawConnection[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    herald = await startHerald({
      env: { REDIS_URL: redis.url, HERALD_MAX_STREAMS_PER_IP: String(PER_IP), HERALD_MAX_STREAMS_PER_USER: String(PER_USER), HERALD_MAX_NEW_CONNECTIONS_PER_S: '100000' },
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of conns) c.destroy();
    await cleanup();
    await redis?.stop();
  }, 60_000);

  /** Sends every request before reading any answer; returns the status each one got. */
  async function burst(users: string[]): Promise<number[]> {
    const tokens = await Promise.all(users.map((u) => signToken(u)));
    const batch = await Promise.all(tokens.map(() => connectRaw(herald.port)));
    conns.push(...batch);
    batch.forEach((c, i) => c.write(request('GET', '/v1/stream', { authorization: `Bearer ${tokens[i]}`, accept: 'text/event-stream' })));
    const statusOf = (c: RawConnection) => Number(/^HTTP\/1\.1 (\d{3})/.exec(c.text())?.[1] ?? 0);
    await waitFor('every stream request to be answered', () => batch.every((c) => statusOf(c) !== 0), { timeoutMs: 30_000, intervalMs: 50 });
    return batch.map(statusOf);
  }

  // Each case starts with no stream open, so that one case's streams never fill the next one's limit.
  afterEach(async () => {
    const base = fdCount(herald.pid) - conns.length;
    for (const c of conns.splice(0)) c.destroy();
    await waitFor('the sockets to close', () => fdCount(herald.pid) <= base, { timeoutMs: 15_000, intervalMs: 50 });
  });

  it('a burst from one address opens at most HERALD_MAX_STREAMS_PER_IP streams; the rest get 429', async () => {
    const statuses = await burst(Array.from({ length: BURST }, (_, i) => `burst-ip-${i}`));
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(PER_IP);
  }, 60_000);

  it('a burst of one user opens at most HERALD_MAX_STREAMS_PER_USER streams; the rest get 429', async () => {
    const statuses = await burst(Array.from({ length: PER_IP }, () => 'burst-user'));
    expect(statuses.filter((s) => s === 200)).toHaveLength(PER_USER);
  }, 60_000);
});
