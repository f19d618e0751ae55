/** The Redis bus across a Redis crash and a stalled Redis, on a private redis-server. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary, missing } from '../../../../test/support/requires.ts';
import type { Bus } from './bus.ts';
import { startAll, waitFor } from './contract/collector.ts';
import { notificationMessage } from './contract/messages.ts';
import { startPrivateRedis, type PrivateRedis } from './contract/private-redis.ts';
import { createRedisBus } from './redis-bus.ts';

const reason = missing({ 'redis-server binary': hasBinary('redis-server') });

describe.skipIf(reason)('RedisBus with a private Redis', () => {
  let redis: PrivateRedis;
  const buses: Bus[] = [];
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await redis?.stop();
  });

  for (const sharded of [false, true]) {
    it(`survives a Redis restart: unhealthy while down, then resubscribed, resynced, healthy (sharded=${sharded})`, async () => {
      // Errors go to onError, never unhandled (vitest fails a run on an unhandled 'error').
      const errors: Error[] = [];
      const opts = { url: redis.url, sharded, probeIntervalMs: 100, probeTimeoutMs: 1000, onError: (e: Error) => errors.push(e) };
      const [a, b] = [createRedisBus(opts), createRedisBus(opts)];
      buses.push(a, b);
      const [ca, cb] = await startAll([a, b]);
      await a.subscribe('u:alice');
      await b.subscribe('u:alice');
      await a.publish(notificationMessage('alice', 1));
      await waitFor('first event on both', () => ca.messages.length === 1 && cb.messages.length === 1);

      await redis.kill();
      await waitFor('both unhealthy', () => !a.healthy() && !b.healthy());
      await expect(a.publish(notificationMessage('alice', 2))).rejects.toMatchObject({ code: 'unavailable' });
      // A stream opened during the outage: its channel must work after the restart.
      await b.subscribe('t:late');

      await redis.restart();
      await waitFor('both healthy again', () => a.healthy() && b.healthy(), 20_000);
      await waitFor('resync on both', () => ca.resyncs >= 1 && cb.resyncs >= 1);

      await a.publish(notificationMessage('alice', 3));
      await a.publish({ kind: 'topic', event: { seq: 1, topic: 'late', event: 'message', data: '{}', at: 0 } });
      await waitFor('events after restart', () => ca.messages.length === 2 && cb.messages.length === 3);
      expect(cb.messages.map((m) => m.event.seq)).toEqual([1, 3, 1]);

      await Promise.all([a.close(), b.close()]);
    });
  }

  it('turns unhealthy while Redis stalls (CLIENT PAUSE), then recovers and resyncs', async () => {
    const bus = createRedisBus({ url: redis.url, probeIntervalMs: 100, probeTimeoutMs: 500 });
    buses.push(bus);
    const [c] = await startAll([bus]);
    expect(bus.healthy()).toBe(true);
    const admin = new Redis(redis.url);
    try {
      await admin.client('PAUSE', 2500, 'ALL');
      await waitFor('unhealthy while paused', () => !bus.healthy());
      await waitFor('healthy after the pause', () => bus.healthy(), 20_000);
      // A loaded box may starve the probes twice in a row: at least one resync is what matters.
      await waitFor('resync', () => c.resyncs >= 1);
    } finally {
      admin.disconnect();
    }
  });
});
