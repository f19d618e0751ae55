/** State changes: own rows only, events record exactly what changed, null when nothing did. */
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './harness.ts';
import { T0, note, publishEach } from './harness.ts';

const sorted = (ids: string[] | undefined) => [...(ids ?? [])].sort();

export function stateContract(ctx: StoreContext): void {
  describe('changeState', () => {
    it('read sets readAt (and seenAt when unset); the event lists exactly the ids that changed', async () => {
      const [a, b, c] = await publishEach(ctx.store, [note('alice'), note('alice'), note('alice')]);
      await ctx.store.changeState('alice', 'seen', { ids: [b!.id] }, T0 + 1);
      await ctx.store.changeState('alice', 'read', { ids: [c!.id] }, T0 + 2);
      const out = await ctx.store.changeState('alice', 'read', { ids: [a!.id, b!.id, c!.id] }, T0 + 3);
      expect(out.event).toMatchObject({ user: 'alice', seq: 6, at: T0 + 3, type: 'notification.state' });
      expect(out.event!.change.action).toBe('read');
      expect(out.event!.change.all).toBeUndefined();
      expect(sorted(out.event!.change.ids)).toEqual(sorted([a!.id, b!.id]));
      const byId = new Map((await ctx.store.listInbox('alice', { status: 'all', limit: 10 }, T0)).map((n) => [n.id, n]));
      expect([byId.get(a!.id)!.readAt, byId.get(a!.id)!.seenAt]).toEqual([T0 + 3, T0 + 3]);
      expect([byId.get(b!.id)!.readAt, byId.get(b!.id)!.seenAt]).toEqual([T0 + 3, T0 + 1]);
      expect([byId.get(c!.id)!.readAt, byId.get(c!.id)!.seenAt]).toEqual([T0 + 2, T0 + 2]);
    });

    it('nothing changed: event null, nothing logged, no seq used', async () => {
      const [a] = await publishEach(ctx.store, [note('alice')]);
      await ctx.store.changeState('alice', 'read', { ids: [a!.id] }, T0 + 1);
      expect((await ctx.store.changeState('alice', 'read', { ids: [a!.id] }, T0 + 2)).event).toBeNull();
      expect((await ctx.store.changeState('alice', 'unarchive', { ids: [a!.id] }, T0 + 2)).event).toBeNull();
      expect((await ctx.store.changeState('alice', 'read', { ids: [] }, T0 + 2)).event).toBeNull();
      expect((await ctx.store.changeState('alice', 'read', { ids: ['no-such-id'] }, T0 + 2)).event).toBeNull();
      expect((await ctx.store.changeState('alice', 'read', { all: true }, T0 + 2)).event).toBeNull();
      expect((await ctx.store.changeState('nobody', 'seen', { all: true }, T0 + 2)).event).toBeNull();
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 2, trimmed: 0 });
      expect(await ctx.store.userPosition('nobody')).toEqual({ last: 0, trimmed: 0 });
    });

    it("ignores another user's ids silently and never touches their rows", async () => {
      const [mine] = await publishEach(ctx.store, [note('alice')]);
      const [theirs] = await publishEach(ctx.store, [note('bob')]);
      const only = await ctx.store.changeState('alice', 'archive', { ids: [theirs!.id] }, T0 + 1);
      expect(only.event).toBeNull();
      const mixed = await ctx.store.changeState('alice', 'seen', { ids: [theirs!.id, mine!.id] }, T0 + 1);
      expect(mixed.event!.change.ids).toEqual([mine!.id]);
      const all = await ctx.store.changeState('alice', 'read', { all: true }, T0 + 2);
      expect(all.event!.change).toStrictEqual({ action: 'read', all: true });
      const [bobs] = await ctx.store.listInbox('bob', { status: 'all', limit: 10 }, T0);
      expect(bobs).toStrictEqual(theirs);
      expect(await ctx.store.userPosition('bob')).toEqual({ last: 1, trimmed: 0 });
      expect(await ctx.store.counts('bob', T0)).toEqual({ unread: 1, unseen: 1, total: 1 });
    });

    it('a repeated id is recorded once', async () => {
      const [a] = await publishEach(ctx.store, [note('alice')]);
      const out = await ctx.store.changeState('alice', 'seen', { ids: [a!.id, a!.id] }, T0 + 1);
      expect(out.event!.change.ids).toEqual([a!.id]);
    });

    it('{all:true} marks every one of the user\'s notifications and logs all:true', async () => {
      await publishEach(ctx.store, [note('alice'), note('alice'), note('alice')]);
      const read = await ctx.store.changeState('alice', 'read', { all: true }, T0 + 1);
      expect(read.event).toStrictEqual({ user: 'alice', seq: 4, at: T0 + 1, type: 'notification.state', change: { action: 'read', all: true } });
      expect(await ctx.store.counts('alice', T0 + 1)).toEqual({ unread: 0, unseen: 0, total: 3 });
      expect((await ctx.store.changeState('alice', 'seen', { all: true }, T0 + 2)).event).toBeNull();
      const unread = await ctx.store.changeState('alice', 'unread', { all: true }, T0 + 3);
      expect(unread.event!.change).toStrictEqual({ action: 'unread', all: true });
      expect(await ctx.store.counts('alice', T0 + 3)).toEqual({ unread: 3, unseen: 0, total: 3 });
    });

    it('unread clears readAt but keeps seenAt; archive and unarchive toggle archivedAt', async () => {
      const [a] = await publishEach(ctx.store, [note('alice')]);
      await ctx.store.changeState('alice', 'read', { ids: [a!.id] }, T0 + 1);
      await ctx.store.changeState('alice', 'unread', { ids: [a!.id] }, T0 + 2);
      let [n] = await ctx.store.listInbox('alice', { status: 'all', limit: 1 }, T0);
      expect(n!.readAt).toBeUndefined();
      expect(n!.seenAt).toBe(T0 + 1);
      const arch = await ctx.store.changeState('alice', 'archive', { ids: [a!.id] }, T0 + 3);
      expect(arch.event!.change).toStrictEqual({ action: 'archive', ids: [a!.id] });
      [n] = await ctx.store.listInbox('alice', { status: 'archived', limit: 1 }, T0);
      expect(n!.archivedAt).toBe(T0 + 3);
      await ctx.store.changeState('alice', 'unarchive', { ids: [a!.id] }, T0 + 4);
      [n] = await ctx.store.listInbox('alice', { status: 'all', limit: 1 }, T0);
      expect(n!.archivedAt).toBeUndefined();
      expect(Object.keys(n!).sort()).toEqual(['createdAt', 'id', 'recipient', 'seenAt', 'seq', 'severity', 'title']);
      expect(await ctx.store.userPosition('alice')).toEqual({ last: 5, trimmed: 0 });
    });
  });
}
