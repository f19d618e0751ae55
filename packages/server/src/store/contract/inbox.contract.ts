/** Inbox listing (status, category, expiry, order, pagination) and counts. */
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './harness.ts';
import { T0, note, publishEach } from './harness.ts';

export function inboxContract(ctx: StoreContext): void {
  /** Six items of alice in seq order 1..6 with distinct states. */
  async function seed() {
    const ns = await publishEach(ctx.store, [
      note('alice', { category: 'billing' }), // 1 fresh
      note('alice', { category: 'social' }), // 2 seen
      note('alice', { category: 'billing' }), // 3 read (so seen)
      note('alice'), // 4 archived
      note('alice', { category: 'billing', expiresAt: T0 + 100 }), // 5 expires
      note('alice', { category: 'social' }), // 6 fresh
    ]);
    await ctx.store.changeState('alice', 'seen', { ids: [ns[1]!.id] }, T0 + 1);
    await ctx.store.changeState('alice', 'read', { ids: [ns[2]!.id] }, T0 + 1);
    await ctx.store.changeState('alice', 'archive', { ids: [ns[3]!.id] }, T0 + 1);
    await publishEach(ctx.store, [note('bob', { category: 'billing' })]);
    return ns.map((n) => n.id);
  }
  const ids = async (status: 'all' | 'unread' | 'unseen' | 'archived', now: number, extra: { category?: string; limit?: number; beforeSeq?: number } = {}) =>
    (await ctx.store.listInbox('alice', { status, limit: extra.limit ?? 50, ...extra }, now)).map((n) => n.seq);

  describe('listInbox and counts', () => {
    it('lists newest first by seq, by status', async () => {
      await seed();
      expect(await ids('all', T0)).toEqual([6, 5, 3, 2, 1]);
      expect(await ids('unread', T0)).toEqual([6, 5, 2, 1]);
      expect(await ids('unseen', T0)).toEqual([6, 5, 1]);
      expect(await ids('archived', T0)).toEqual([4]);
    });

    it('filters by category', async () => {
      await seed();
      expect(await ids('all', T0, { category: 'billing' })).toEqual([5, 3, 1]);
      expect(await ids('unseen', T0, { category: 'social' })).toEqual([6]);
      expect(await ids('all', T0, { category: 'none' })).toEqual([]);
    });

    it('leaves out items whose expiresAt <= now', async () => {
      await seed();
      expect(await ids('all', T0 + 99)).toContain(5);
      expect(await ids('all', T0 + 100)).toEqual([6, 3, 2, 1]);
      expect(await ids('unread', T0 + 100, { category: 'billing' })).toEqual([1]);
    });

    it('pages with limit and beforeSeq without overlap or loss', async () => {
      await seed();
      expect(await ids('all', T0, { limit: 2 })).toEqual([6, 5]);
      expect(await ids('all', T0, { limit: 2, beforeSeq: 5 })).toEqual([3, 2]);
      expect(await ids('all', T0, { limit: 2, beforeSeq: 2 })).toEqual([1]);
      expect(await ids('all', T0, { limit: 2, beforeSeq: 1 })).toEqual([]);
      const pages: number[] = [];
      let before: number | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await ids('unread', T0, { limit: 1, beforeSeq: before });
        if (page.length === 0) break;
        pages.push(...page);
        before = page[page.length - 1];
      }
      expect(pages).toEqual([6, 5, 2, 1]);
    });

    it("lists only the user's own items", async () => {
      await seed();
      const bobs = await ctx.store.listInbox('bob', { status: 'all', limit: 10 }, T0);
      expect(bobs.map((n) => n.recipient)).toEqual(['bob']);
      expect(await ctx.store.listInbox('nobody', { status: 'all', limit: 10 }, T0)).toEqual([]);
    });

    it('counts unread, unseen and total over unarchived, unexpired items', async () => {
      await seed();
      expect(await ctx.store.counts('alice', T0)).toEqual({ unread: 4, unseen: 3, total: 5 });
      expect(await ctx.store.counts('alice', T0 + 100)).toEqual({ unread: 3, unseen: 2, total: 4 });
      expect(await ctx.store.counts('bob', T0)).toEqual({ unread: 1, unseen: 1, total: 1 });
      expect(await ctx.store.counts('nobody', T0)).toEqual({ unread: 0, unseen: 0, total: 0 });
    });
  });
}
