/** The per-user event log: one gap-free sequence for every change, reads by range, and trim. */
import { describe, expect, it } from 'vitest';
import type { Retention } from '../store.ts';
import type { StoreContext } from './harness.ts';
import { T0, note, publishEach } from './harness.ts';

const HOUR = 3_600_000;
/** Retention that keeps everything unless a test narrows one limit. */
export const KEEP_ALL: Retention = { userEventMaxCount: 1e9, userEventAgeMs: 1e12, topicMaxCount: 1e9, topicAgeMs: 1e12 };

export function userLogContract(ctx: StoreContext): void {
  describe('user log', () => {
    it('a user with no events is at {last:0, trimmed:0}', async () => {
      expect(await ctx.store.userPosition('nobody')).toEqual({ last: 0, trimmed: 0 });
      expect(await ctx.store.userEventsSince('nobody', 0, 10)).toEqual([]);
    });

    it('notifications and state changes share one sequence; reads are ascending, after-exclusive and limited', async () => {
      const [a, b] = await publishEach(ctx.store, [note('alice'), note('alice')]);
      await ctx.store.publish([note('bob')], T0);
      const st = await ctx.store.changeState('alice', 'read', { ids: [a!.id] }, T0 + 1);
      const [c] = await publishEach(ctx.store, [note('alice')], T0 + 2);
      expect(st.event).toStrictEqual({ user: 'alice', seq: 3, at: T0 + 1, type: 'notification.state', change: { action: 'read', ids: [a!.id] } });
      expect(c!.seq).toBe(4);
      const all = await ctx.store.userEventsSince('alice', 0, 100);
      expect(all.map((e) => [e.seq, e.type])).toEqual([
        [1, 'notification'],
        [2, 'notification'],
        [3, 'notification.state'],
        [4, 'notification'],
      ]);
      expect(all.every((e) => e.user === 'alice')).toBe(true);
      expect((await ctx.store.userEventsSince('alice', 1, 2)).map((e) => e.seq)).toEqual([2, 3]);
      expect(await ctx.store.userEventsSince('alice', 4, 10)).toEqual([]);
      expect(all[1]!.type === 'notification' && all[1]!.notification.id).toBe(b!.id);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 4, trimmed: 0 });
    });

    it('a logged notification keeps its state as published, later changes are their own events', async () => {
      const [a] = await publishEach(ctx.store, [note('alice')]);
      await ctx.store.changeState('alice', 'archive', { ids: [a!.id] }, T0 + 1);
      const [first] = await ctx.store.userEventsSince('alice', 0, 1);
      expect(first!.type === 'notification' && first!.notification).toStrictEqual(a);
    });

    it('count trim keeps the newest N events and records trimmed', async () => {
      await publishEach(ctx.store, Array.from({ length: 5 }, () => note('alice')));
      await publishEach(ctx.store, [note('bob'), note('bob')]);
      await ctx.store.trim({ ...KEEP_ALL, userEventMaxCount: 3 }, T0);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 5, trimmed: 2 });
      expect((await ctx.store.userEventsSince('alice', 0, 10)).map((e) => e.seq)).toEqual([3, 4, 5]);
      expect(await ctx.store.userPosition('bob')).toEqual({ last: 2, trimmed: 0 });
      expect(await ctx.store.userEventsSince('bob', 0, 10)).toHaveLength(2);
      // Trimming the log never removes inbox items.
      expect(await ctx.store.listInbox('alice', { status: 'all', limit: 10 }, T0)).toHaveLength(5);
    });

    it('age trim drops only the leading run older than the cutoff', async () => {
      const now = T0 + 10 * HOUR;
      // at: old, old, recent, old, recent. The 4th is old but follows a recent one: kept.
      const times = [T0, T0 + HOUR, now - 10, T0 + 2 * HOUR, now - 5];
      for (const at of times) await ctx.store.publish([note('alice')], at);
      await ctx.store.trim({ ...KEEP_ALL, userEventAgeMs: 60_000 }, now);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 5, trimmed: 2 });
      expect((await ctx.store.userEventsSince('alice', 0, 10)).map((e) => e.seq)).toEqual([3, 4, 5]);
    });

    it('age trim keeps an event exactly at the cutoff and drops one a millisecond older', async () => {
      const age = 60_000;
      const now = T0 + HOUR;
      await ctx.store.publish([note('alice')], now - age - 1);
      await ctx.store.publish([note('alice')], now - age);
      await ctx.store.publish([note('alice')], now - age + 1);
      await ctx.store.trim({ ...KEEP_ALL, userEventAgeMs: age }, now);
      expect((await ctx.store.userEventsSince('alice', 0, 10)).map((e) => e.at)).toEqual([now - age, now - age + 1]);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 3, trimmed: 1 });
    });

    it('when every event is old, trimmed reaches last and the sequence goes on from there', async () => {
      await publishEach(ctx.store, [note('alice'), note('alice')], T0);
      await ctx.store.changeState('alice', 'seen', { all: true }, T0);
      await ctx.store.trim({ ...KEEP_ALL, userEventAgeMs: 1000 }, T0 + HOUR);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 3, trimmed: 3 });
      expect(await ctx.store.userEventsSince('alice', 0, 10)).toEqual([]);
      const [next] = await ctx.store.publish([note('alice')], T0 + HOUR);
      expect(next!.event?.seq).toBe(4);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 4, trimmed: 3 });
    });

    it('an event within both limits is never trimmed, and trimmed never goes back', async () => {
      await publishEach(ctx.store, Array.from({ length: 4 }, () => note('alice')), T0);
      await ctx.store.trim({ ...KEEP_ALL, userEventMaxCount: 4, userEventAgeMs: HOUR }, T0 + HOUR);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 4, trimmed: 0 });
      await ctx.store.trim({ ...KEEP_ALL, userEventMaxCount: 1 }, T0);
      await ctx.store.trim(KEEP_ALL, T0);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 4, trimmed: 3 });
      expect((await ctx.store.userEventsSince('alice', 0, 10)).map((e) => e.seq)).toEqual([4]);
    });

    it('count and age combine: an event goes when it breaks either limit', async () => {
      const now = T0 + HOUR;
      await publishEach(ctx.store, [note('alice'), note('alice')], T0);
      await publishEach(ctx.store, [note('alice'), note('alice'), note('alice')], now);
      await ctx.store.trim({ ...KEEP_ALL, userEventMaxCount: 2, userEventAgeMs: 1000 }, now);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 5, trimmed: 3 });
      await publishEach(ctx.store, [note('carol')], T0);
      await ctx.store.trim({ ...KEEP_ALL, userEventMaxCount: 2, userEventAgeMs: 1000 }, now);
      expect(await ctx.store.userPosition('carol')).toEqual({ last: 1, trimmed: 1 });
    });

    it('a read never returns an event at or below the trimmed point, whatever `after` it starts from', async () => {
      const [a] = await publishEach(ctx.store, Array.from({ length: 6 }, () => note('alice')), T0);
      await ctx.store.changeState('alice', 'read', { ids: [a!.id] }, T0 + 1);
      await publishEach(ctx.store, [note('alice')], T0 + 2);
      // Notifications stay in the inbox after their log events are trimmed; reads must not see them.
      await ctx.store.trim({ ...KEEP_ALL, userEventMaxCount: 4 }, T0 + 3);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 8, trimmed: 4 });
      for (const [after, first] of [[0, 5], [3, 5], [4, 5], [5, 6], [8, undefined]] as const) {
        const seqs = (await ctx.store.userEventsSince('alice', after, 100)).map((e) => e.seq);
        expect(seqs[0], `after ${after}`).toBe(first);
        expect(seqs, `after ${after}`).toEqual(first === undefined ? [] : Array.from({ length: 9 - first }, (_, i) => first + i));
      }
    });

    it('a read racing trims returns a gap-free run that starts right after a trimmed point', async () => {
      await publishEach(ctx.store, Array.from({ length: 30 }, () => note('alice')), T0);
      let trimmedBefore = 0;
      for (let keep = 25; keep >= 0; keep -= 5) {
        const [page] = await Promise.all([ctx.store.userEventsSince('alice', 0, 100), ctx.store.trim({ ...KEEP_ALL, userEventMaxCount: keep }, T0)]);
        const trimmedAfter = (await ctx.store.userPosition('alice')).trimmed;
        const seqs = page.map((e) => e.seq);
        if (seqs.length > 0) expect([trimmedBefore, trimmedAfter]).toContain(seqs[0]! - 1);
        expect(seqs).toEqual(seqs.length === 0 ? [] : Array.from({ length: 30 - seqs[0]! + 1 }, (_, i) => seqs[0]! + i));
        trimmedBefore = trimmedAfter;
      }
    });

    it('a non-finite limit disables that rule', async () => {
      await publishEach(ctx.store, [note('alice'), note('alice')], T0);
      const inf = Number.POSITIVE_INFINITY;
      await ctx.store.trim({ userEventMaxCount: inf, userEventAgeMs: inf, topicMaxCount: inf, topicAgeMs: inf }, T0 + 1e10);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 2, trimmed: 0 });
    });
  });
}
