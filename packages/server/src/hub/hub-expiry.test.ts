/** Streams close when their credential expires, within about a second, whatever the heartbeat. */
import { describe, expect, it } from 'vitest';
import { recorder, until } from '../../../../test/support/recording-sink.ts';
import { createMemoryBus } from '../bus/memory-bus.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { Hub } from './hub.ts';

describe('token expiry', () => {
  it('every stream is closed within about a second of its token exp, not at its next heartbeat', async () => {
    let now = Date.now();
    const hub = new Hub({ store: createMemoryStore(), bus: createMemoryBus(), heartbeatMs: 15_000, clock: () => now });
    await hub.start();
    const open = async (user: string, expiresAt: number) => {
      const r = recorder();
      await hub.openStream({ user, topics: [], expiresAt, ip: '127.0.0.1', open: () => r.sink });
      return r;
    };
    // More streams than the heartbeat wheel has slots, so a once-per-heartbeat check misses most.
    const expiring = await Promise.all(Array.from({ length: 20 }, (_, i) => open(`u${i}`, now + 30_000 + i)));
    const later = await open('bystander', now + 120_000);
    now += 30_020;
    await until(() => expiring.every((r) => r.sink.ended), 2500, 'every expired stream closed');
    expect(later.sink.ended).toBe(false);
    await hub.publish({ recipients: ['bystander'], title: 'still here', severity: 'info' });
    await until(() => later.events().some((e) => e.event === 'notification'));
    expect(hub.stats().connections).toBe(1);
    await hub.close();
  });
});
