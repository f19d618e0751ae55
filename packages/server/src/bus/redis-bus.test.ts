import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { canConnect, missing } from '../../../../test/support/requires.ts';
import type { Bus } from './bus.ts';
import { runBusContract } from './contract/bus.contract.ts';
import { collector, waitFor } from './contract/collector.ts';
import { stateMessage } from './contract/messages.ts';
import { createRedisBus, type BusHealthReason } from './redis-bus.ts';

const URL = 'redis://127.0.0.1:6379';
const reason = missing({ 'redis at 127.0.0.1:6379': await canConnect(6379) });
/** Unique per run, so parallel runs on the shared Redis never hear each other. */
const prefix = `herald-test-${process.pid}-${Date.now().toString(36)}:`;

describe.skipIf(reason)('RedisBus on the shared Redis', () => {
  for (const sharded of [false, true]) {
    runBusContract(sharded ? 'redis (sharded)' : 'redis', {
      async create() {
        return [createRedisBus({ url: URL, prefix, sharded }), createRedisBus({ url: URL, prefix, sharded })];
      },
    });
  }

  describe('self-probe', () => {
    const clients: Redis[] = [];
    const buses: Bus[] = [];
    afterAll(async () => {
      await Promise.all(buses.map((b) => b.close()));
      await Promise.all(clients.map((c) => c.quit()));
    });

    it('turns unhealthy when its probes starve, then heals, recovers and resyncs', async () => {
      const pub = new Redis(URL);
      const sub = new Redis(URL);
      clients.push(pub, sub);
      const health: [boolean, BusHealthReason][] = [];
      const bus = createRedisBus({ pub, sub, prefix, probeIntervalMs: 100, probeTimeoutMs: 400, onHealth: (h, r) => health.push([h, r]) });
      buses.push(bus);
      const c = collector();
      await bus.start(c);
      expect(bus.healthy()).toBe(true);
      const user = `probe-${Date.now()}`;
      await bus.subscribe(`u:${user}`);

      // Drop every subscription of this bus behind its back: it now hears nothing.
      const ours = (await pub.pubsub('CHANNELS', `${prefix}*`)) as string[];
      expect(ours.some((ch) => ch.startsWith(`${prefix}probe:`))).toBe(true);
      await sub.unsubscribe();

      await waitFor('starved', () => health.some(([h, r]) => !h && r === 'starved'));
      await waitFor('recovered', () => health.some(([h, r]) => h && r === 'recovered'));
      await waitFor('resync', () => c.resyncs >= 1);
      expect(bus.healthy()).toBe(true);

      // The self-heal resubscribed the user channel too.
      await bus.publish(stateMessage(user, 1));
      await waitFor('event after healing', () => c.on(`u:${user}`).length === 1);
    });

    it('does not close clients it does not own, and detaches from them', async () => {
      const pub = new Redis(URL);
      const sub = new Redis(URL);
      clients.push(pub, sub);
      const bus = createRedisBus({ pub, sub, prefix });
      await bus.start(collector());
      await bus.subscribe('u:owned-check');
      await bus.close();
      expect(bus.healthy()).toBe(false);
      expect(pub.status).toBe('ready');
      expect(await pub.ping()).toBe('PONG');
      expect(sub.listenerCount('message')).toBe(0);
      expect(sub.listenerCount('error')).toBe(0);
    });

    it('a resync handler that throws after a reconnect is reported to onError, never an unhandled rejection', async () => {
      const pub = new Redis(URL);
      const sub = new Redis(URL);
      clients.push(pub, sub);
      const errors: Error[] = [];
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const bus = createRedisBus({ pub, sub, prefix, onError: (err) => errors.push(err) });
        buses.push(bus);
        const c = collector();
        await bus.start({ ...c, resync: () => { throw new Error('resync failed'); } });
        expect(bus.healthy()).toBe(true);
        sub.disconnect(true); // drop the connection and let ioredis reconnect: 'ready' again
        await waitFor('the resync failure reported', () => errors.some((e) => e.message === 'resync failed'), 5000);
        await new Promise((r) => setTimeout(r, 50)); // an unhandled rejection surfaces a tick later
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('refuses one client for both roles and bad probe timings', () => {
      const c = new Redis(URL, { lazyConnect: true });
      expect(() => createRedisBus({ pub: c, sub: c })).toThrow(/two clients/);
      expect(() => createRedisBus({ url: URL, probeTimeoutMs: 0 })).toThrow(/positive/);
      c.disconnect();
    });
  });
});
