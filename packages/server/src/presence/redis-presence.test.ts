import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { canConnect, hasBinary, missing } from '../../../../test/support/requires.ts';
import { startPrivateRedis } from '../bus/contract/private-redis.ts';
import { runPresenceContract } from './contract/presence.contract.ts';
import type { Presence } from './presence.ts';
import { createRedisPresence } from './redis-presence.ts';

const URL = 'redis://127.0.0.1:6379';
const reason = missing({ 'redis at 127.0.0.1:6379': await canConnect(6379), 'redis-server binary': hasBinary('redis-server') });
let runs = 0;
/** A fresh key space per call: stats and node counts of one test never see another's. */
const freshPrefix = () => `herald-test-${process.pid}-${Date.now().toString(36)}-${++runs}:`;

describe.skipIf(reason)('RedisPresence', () => {
  runPresenceContract('redis (two nodes)', {
    async create(limits) {
      const prefix = freshPrefix();
      return [createRedisPresence({ url: URL, prefix, nodeId: 'n1', ...limits }), createRedisPresence({ url: URL, prefix, nodeId: 'n2', ...limits })];
    },
  });

  const open: Presence[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    await Promise.all(open.map((p) => p.close()));
    clients.forEach((c) => c.disconnect());
  });

  it("stops counting a SIGKILLed node's streams once its heartbeat expires", async () => {
    const prefix = freshPrefix();
    const doomedClient = new Redis(URL);
    clients.push(doomedClient);
    const opts = { prefix, heartbeatMs: 200, ttlMs: 800, maxStreamsPerUser: 2 };
    const doomed = createRedisPresence({ ...opts, redis: doomedClient, nodeId: 'doomed' });
    const survivor = createRedisPresence({ ...opts, url: URL, nodeId: 'survivor' });
    open.push(survivor);
    await doomed.open('zoe', '10.0.0.1');
    await doomed.open('zoe', '10.0.0.2');
    expect(await survivor.open('zoe', '10.0.0.3')).toBeNull();
    expect(await survivor.stats()).toEqual({ connections: 2, users: 1, nodes: 2 });
    open.push(doomed); // closed at the end; its heartbeats fail quietly meanwhile

    // A SIGKILL, as Redis sees it: the connection drops and no heartbeat or cleanup follows.
    doomedClient.disconnect();
    const deadline = Date.now() + 10_000;
    let stats = await survivor.stats();
    while (stats.nodes !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      stats = await survivor.stats();
    }
    expect(stats).toEqual({ connections: 0, users: 0, nodes: 1 });
    expect(await survivor.open('zoe', '10.0.0.3')).not.toBeNull();
    // The dead node's keys were collected.
    const check = new Redis(URL);
    clients.push(check);
    expect(await check.exists(`${prefix}{presence}:node:doomed`)).toBe(0);
  });

  it('a restarted node with the same id starts from zero', async () => {
    const prefix = freshPrefix();
    const first = createRedisPresence({ url: URL, prefix, nodeId: 'same' });
    await first.open('yan', '10.0.0.1');
    // Crash without close: keys stay behind, heartbeat still alive.
    const stale = new Redis(URL);
    clients.push(stale);
    expect(await stale.hget(`${prefix}{presence}:node:same`, 'yan')).toBe('1');
    const second = createRedisPresence({ url: URL, prefix, nodeId: 'same' });
    open.push(first, second);
    expect((await second.online(['yan'])).yan).toEqual({ online: false, streams: 0 });
  });

  it('keeps opening streams while Redis is down, and rebuilds its counts after a Redis restart', async () => {
    const redis = await startPrivateRedis();
    const errors: Error[] = [];
    const opts = { url: redis.url, heartbeatMs: 200, ttlMs: 1000, maxStreamsPerUser: 3, onError: (e: Error) => errors.push(e) };
    const a = createRedisPresence({ ...opts, nodeId: 'a' });
    const b = createRedisPresence({ ...opts, nodeId: 'b' });
    try {
      await a.open('xia', '10.0.0.1');
      await b.open('xia', '10.0.0.2');
      await redis.kill();
      // Degraded: this node's own counts only, so 'a' may take two more, not three.
      expect(await a.open('xia', '10.0.0.3')).not.toBeNull();
      expect(await a.open('xia', '10.0.0.4')).not.toBeNull();
      expect(await a.open('xia', '10.0.0.5')).toBeNull();
      await expect(a.stats()).rejects.toThrow();
      expect(errors.length).toBeGreaterThan(0);

      await redis.restart();
      // Redis came back empty; heartbeats rebuild both nodes' hashes from their own tallies.
      const deadline = Date.now() + 20_000;
      let streams = -1;
      while (streams !== 4 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        streams = await b.online(['xia']).then((o) => o.xia.streams, () => -1);
      }
      expect(streams).toBe(4);
      expect(await b.stats()).toEqual({ connections: 4, users: 1, nodes: 2 });
      expect(await b.open('xia', '10.0.0.6')).toBeNull();
    } finally {
      await Promise.all([a.close(), b.close()]);
      await redis.stop();
    }
  });

  it('refuses bad options at creation', () => {
    expect(() => createRedisPresence({ url: URL, nodeId: '' })).toThrow(/nodeId/);
    expect(() => createRedisPresence({ nodeId: 'x' })).toThrow(/redis/);
    expect(() => createRedisPresence({ url: URL, nodeId: 'x', heartbeatMs: 5000, ttlMs: 5000 })).toThrow(/ttlMs/);
  });
});
