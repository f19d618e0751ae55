/** The global topic log: one gap-free sequence across topics, filtered reads, and trim. */
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './harness.ts';
import { T0 } from './harness.ts';
import { KEEP_ALL } from './user-log.contract.ts';

export function topicLogContract(ctx: StoreContext): void {
  describe('topic log', () => {
    it('starts at {last:0, trimmed:0}', async () => {
      expect(await ctx.store.topicPosition()).toEqual({ last: 0, trimmed: 0 });
      expect(await ctx.store.topicEventsSince(0, ['a'], 10)).toEqual([]);
    });

    it('appends with one global sequence and returns the stored event', async () => {
      const e1 = await ctx.store.appendTopicEvent('orders.1', 'status', '{"s":"paid"}', T0);
      const e2 = await ctx.store.appendTopicEvent('broadcast', 'message', '"hi\\nthere"', T0 + 1);
      expect(e1).toStrictEqual({ seq: 1, topic: 'orders.1', event: 'status', data: '{"s":"paid"}', at: T0 });
      expect(e2).toStrictEqual({ seq: 2, topic: 'broadcast', event: 'message', data: '"hi\\nthere"', at: T0 + 1 });
      expect(await ctx.store.topicPosition()).toEqual({ last: 2, trimmed: 0 });
    });

    it('reads only the asked topics, after-exclusive, ascending and limited', async () => {
      for (const t of ['a', 'b', 'a', 'c', 'a', 'b']) await ctx.store.appendTopicEvent(t, 'e', '1', T0);
      const seqsOf = async (after: number, topics: string[], limit: number) => (await ctx.store.topicEventsSince(after, topics, limit)).map((e) => e.seq);
      expect(await seqsOf(0, ['a'], 10)).toEqual([1, 3, 5]);
      expect(await seqsOf(0, ['a', 'b'], 10)).toEqual([1, 2, 3, 5, 6]);
      expect(await seqsOf(2, ['a', 'b'], 2)).toEqual([3, 5]);
      expect(await seqsOf(6, ['a', 'b', 'c'], 10)).toEqual([]);
      expect(await seqsOf(0, [], 10)).toEqual([]);
      expect(await seqsOf(0, ['zzz'], 10)).toEqual([]);
    });

    it('concurrent appends get 1..N with no gap', async () => {
      const out = await Promise.all(Array.from({ length: 30 }, (_, i) => ctx.store.appendTopicEvent(`t${i % 4}`, 'e', String(i), T0)));
      expect(out.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const all = await ctx.store.topicEventsSince(0, ['t0', 't1', 't2', 't3'], 100);
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    });

    it('count trim keeps the newest N', async () => {
      for (let i = 0; i < 6; i++) await ctx.store.appendTopicEvent('a', 'e', String(i), T0);
      await ctx.store.trim({ ...KEEP_ALL, topicMaxCount: 2 }, T0);
      expect(await ctx.store.topicPosition()).toEqual({ last: 6, trimmed: 4 });
      expect((await ctx.store.topicEventsSince(0, ['a'], 10)).map((e) => e.data)).toEqual(['4', '5']);
    });

    it('age trim drops only the leading run older than the cutoff, keeping one exactly at it', async () => {
      const now = T0 + 3_600_000;
      const age = 60_000;
      for (const at of [T0, now - age - 1, now - age, T0, now]) await ctx.store.appendTopicEvent('a', 'e', String(at), at);
      await ctx.store.trim({ ...KEEP_ALL, topicAgeMs: age }, now);
      expect(await ctx.store.topicPosition()).toEqual({ last: 5, trimmed: 2 });
      expect((await ctx.store.topicEventsSince(0, ['a'], 10)).map((e) => e.seq)).toEqual([3, 4, 5]);
    });

    it('when every topic event is old, trimmed reaches last and appends go on', async () => {
      await ctx.store.appendTopicEvent('a', 'e', '1', T0);
      await ctx.store.appendTopicEvent('b', 'e', '2', T0);
      await ctx.store.trim({ ...KEEP_ALL, topicAgeMs: 1 }, T0 + 10);
      expect(await ctx.store.topicPosition()).toEqual({ last: 2, trimmed: 2 });
      expect((await ctx.store.appendTopicEvent('a', 'e', '3', T0 + 10)).seq).toBe(3);
    });

    it('topic trim leaves user logs alone and the other way round', async () => {
      await ctx.store.appendTopicEvent('a', 'e', '1', T0);
      await ctx.store.publish([{ id: `x${Math.random()}`, recipient: 'alice', title: 't', severity: 'info' }], T0);
      await ctx.store.trim({ ...KEEP_ALL, topicMaxCount: 0 }, T0);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 1, trimmed: 0 });
      await ctx.store.appendTopicEvent('a', 'e', '2', T0);
      await ctx.store.trim({ ...KEEP_ALL, userEventMaxCount: 0 }, T0);
      expect(await ctx.store.topicPosition()).toEqual({ last: 2, trimmed: 1 });
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 1, trimmed: 1 });
    });
  });
}
