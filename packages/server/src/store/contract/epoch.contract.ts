/** Epoch and lifecycle: a fixed epoch, a new one per new store, and durability across reopen. */
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './harness.ts';
import { T0, note } from './harness.ts';

export function epochContract(ctx: StoreContext): void {
  describe('epoch and lifecycle', () => {
    it('has a cursor-safe epoch that does not change, and a new store gets another', async () => {
      const e = ctx.store.epoch;
      expect(e).toMatch(/^[0-9a-z]{1,32}$/);
      await ctx.store.publish([note('alice')], T0);
      expect(ctx.store.epoch).toBe(e);
      const other = await ctx.another();
      expect(other.epoch).toMatch(/^[0-9a-z]{1,32}$/);
      expect(other.epoch).not.toBe(e);
    });

    it('ping resolves while open', async () => {
      await expect(ctx.store.ping()).resolves.toBeUndefined();
    });

    // Registered only for durable stores: a memory store has nothing to reopen.
    if (ctx.durable) it('reopening keeps the epoch, logs, positions, inbox state and tickets', async () => {
      const [a] = await ctx.store.publish([note('alice', { dedupeKey: 'k', data: { x: [1] } })], T0);
      await ctx.store.changeState('alice', 'read', { ids: [a!.notification.id] }, T0 + 1);
      await ctx.store.appendTopicEvent('t', 'e', '{}', T0);
      await ctx.store.saveTicket('h', { user: 'alice', topics: [], expiresAt: T0 + 10, tokenExpiresAt: T0 + 20 });
      const epoch = ctx.store.epoch;
      const before = await ctx.store.userEventsSince('alice', 0, 10);
      const store = await ctx.reopen();
      expect(store.epoch).toBe(epoch);
      expect(await store.userEventsSince('alice', 0, 10)).toStrictEqual(before);
      expect(await store.userPosition('alice')).toEqual({ last: 2, trimmed: 0 });
      expect(await store.topicPosition()).toEqual({ last: 1, trimmed: 0 });
      expect(await store.counts('alice', T0)).toEqual({ unread: 0, unseen: 0, total: 1 });
      expect(await store.takeTicket('h', T0)).not.toBeNull();
      const [again] = await store.publish([note('alice', { dedupeKey: 'k' })], T0 + 2);
      expect(again!.event).toBeNull();
      const [next] = await store.publish([note('alice')], T0 + 2);
      expect(next!.event?.seq).toBe(3);
      expect((await store.appendTopicEvent('t', 'e', '{}', T0)).seq).toBe(2);
    });
  });
}
