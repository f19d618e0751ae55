/** Publish: stored shape, fan-out, dedupe, all-or-nothing batches, gap-free concurrent seqs. */
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './harness.ts';
import { T0, note } from './harness.ts';

export function publishContract(ctx: StoreContext): void {
  describe('publish', () => {
    it('stores every field, adds seq and createdAt, drops dedupeKey, and logs the event', async () => {
      const item = note('alice', {
        body: 'b',
        severity: 'critical',
        category: 'billing',
        url: 'https://example.test/x',
        data: { n: 1, nested: { list: [1, 'two', null] } },
        dedupeKey: 'k1',
        expiresAt: T0 + 60_000,
      });
      const [out] = await ctx.store.publish([item], T0);
      const { dedupeKey: _k, ...rest } = item;
      const expected = { ...rest, seq: 1, createdAt: T0 };
      expect(out!.notification).toStrictEqual(expected);
      expect(out!.event).toStrictEqual({ user: 'alice', seq: 1, at: T0, type: 'notification', notification: expected });
      expect(await ctx.store.userEventsSince('alice', 0, 10)).toStrictEqual([out!.event]);
      expect(await ctx.store.listInbox('alice', { status: 'all', limit: 10 }, T0)).toStrictEqual([expected]);
    });

    it('leaves optional fields absent, not undefined or null', async () => {
      const [out] = await ctx.store.publish([note('alice')], T0);
      const [listed] = await ctx.store.listInbox('alice', { status: 'all', limit: 1 }, T0);
      const [logged] = await ctx.store.userEventsSince('alice', 0, 1);
      for (const n of [out!.notification, listed!, logged!.type === 'notification' ? logged!.notification : null]) {
        expect(Object.keys(n!).sort()).toEqual(['createdAt', 'id', 'recipient', 'seq', 'severity', 'title']);
      }
    });

    it('fans out: each recipient gets its own copy and its own sequence, outcomes in input order', async () => {
      await ctx.store.publish([note('bob')], T0);
      const items = [note('alice'), note('bob'), note('carol')];
      const outs = await ctx.store.publish(items, T0 + 1);
      expect(outs.map((o) => [o.notification.id, o.notification.recipient, o.notification.seq])).toEqual([
        [items[0]!.id, 'alice', 1],
        [items[1]!.id, 'bob', 2],
        [items[2]!.id, 'carol', 1],
      ]);
      expect(outs.every((o) => o.event?.seq === o.notification.seq && o.event.user === o.notification.recipient)).toBe(true);
      expect(await ctx.store.userPosition('bob')).toEqual({ last: 2, trimmed: 0 });
    });

    it('dedupes per recipient: the earlier notification comes back with a null event', async () => {
      const [first] = await ctx.store.publish([note('alice', { dedupeKey: 'order-1', title: 'first' })], T0);
      const [again, other] = await ctx.store.publish(
        [note('alice', { dedupeKey: 'order-1', title: 'second' }), note('bob', { dedupeKey: 'order-1' })],
        T0 + 5,
      );
      expect(again!.event).toBeNull();
      expect(again!.notification).toStrictEqual(first!.notification);
      expect(other!.event?.seq).toBe(1);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 1, trimmed: 0 });
      expect(await ctx.store.listInbox('alice', { status: 'all', limit: 10 }, T0 + 5)).toHaveLength(1);
      const [differentKey] = await ctx.store.publish([note('alice', { dedupeKey: 'order-2' })], T0 + 6);
      expect(differentKey!.event?.seq).toBe(2);
    });

    it('dedupe returns the stored state of the earlier notification', async () => {
      const [first] = await ctx.store.publish([note('alice', { dedupeKey: 'k' })], T0);
      await ctx.store.changeState('alice', 'read', { ids: [first!.notification.id] }, T0 + 1);
      const [again] = await ctx.store.publish([note('alice', { dedupeKey: 'k' })], T0 + 2);
      expect(again!.event).toBeNull();
      expect(again!.notification).toStrictEqual({ ...first!.notification, readAt: T0 + 1, seenAt: T0 + 1 });
    });

    it('dedupes a repeat inside one batch', async () => {
      const items = [note('alice', { dedupeKey: 'k' }), note('alice', { dedupeKey: 'k' })];
      const [a, b] = await ctx.store.publish(items, T0);
      expect(a!.event?.seq).toBe(1);
      expect(b!.event).toBeNull();
      expect(b!.notification).toStrictEqual(a!.notification);
      expect(await ctx.store.userEventsSince('alice', 0, 10)).toHaveLength(1);
    });

    it('a duplicate id inside a batch rejects the whole batch and writes nothing', async () => {
      const a = note('alice');
      const batch = [a, note('bob'), { ...note('carol'), id: a.id }];
      await expect(ctx.store.publish(batch, T0)).rejects.toThrow();
      for (const user of ['alice', 'bob', 'carol']) {
        expect(await ctx.store.userPosition(user)).toEqual({ last: 0, trimmed: 0 });
        expect(await ctx.store.listInbox(user, { status: 'all', limit: 10 }, T0)).toEqual([]);
        expect(await ctx.store.userEventsSince(user, 0, 10)).toEqual([]);
      }
    });

    it('an id that is already stored rejects the batch; nothing is written and no seq is used', async () => {
      const [kept] = await ctx.store.publish([note('alice')], T0);
      const batch = [note('bob', { dedupeKey: 'x' }), note('alice'), { ...note('carol'), id: kept!.notification.id }];
      await expect(ctx.store.publish(batch, T0 + 1)).rejects.toThrow();
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 1, trimmed: 0 });
      expect(await ctx.store.userPosition('bob')).toEqual({ last: 0, trimmed: 0 });
      expect(await ctx.store.listInbox('carol', { status: 'all', limit: 10 }, T0)).toEqual([]);
      // The dedupe key of the failed batch was not recorded either.
      const [retry] = await ctx.store.publish([note('bob', { dedupeKey: 'x' })], T0 + 2);
      expect(retry!.event?.seq).toBe(1);
      const [next] = await ctx.store.publish([note('alice')], T0 + 3);
      expect(next!.notification.seq).toBe(2);
    });

    it('concurrent publishes to one user get sequences 1..N with no gap', async () => {
      const n = 40;
      const outs = await Promise.all(Array.from({ length: n }, (_, i) => ctx.store.publish([note('alice'), note(`u${i % 3}`)], T0 + i)));
      const seqs = outs.map((o) => o[0]!.notification.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      const log = await ctx.store.userEventsSince('alice', 0, 1000);
      expect(log.map((e) => e.seq)).toEqual(seqs);
      const byId = new Map(outs.map((o) => [o[0]!.notification.id, o[0]!.notification.seq]));
      for (const e of log) expect(e.type === 'notification' && byId.get(e.notification.id)).toBe(e.seq);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: n, trimmed: 0 });
    });

    it('a failing publish among concurrent ones fails alone', async () => {
      const [taken] = await ctx.store.publish([note('alice')], T0);
      const calls = [note('bob'), { ...note('bob'), id: taken!.notification.id }, note('bob'), note('carol')].map((item) => ctx.store.publish([item], T0 + 1));
      const settled = await Promise.allSettled(calls);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((await ctx.store.userEventsSince('bob', 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await ctx.store.listInbox('bob', { status: 'all', limit: 10 }, T0 + 1)).toHaveLength(2);
      expect(await ctx.store.userPosition('carol')).toEqual({ last: 1, trimmed: 0 });
    });

    it('returns copies: changing a returned value does not change the store', async () => {
      const [out] = await ctx.store.publish([note('alice', { data: { a: 1 } })], T0);
      out!.notification.data!.a = 2;
      out!.notification.title = 'changed';
      const [listed] = await ctx.store.listInbox('alice', { status: 'all', limit: 1 }, T0);
      expect(listed!.data).toEqual({ a: 1 });
      expect(listed!.title).not.toBe('changed');
    });
  });
}
