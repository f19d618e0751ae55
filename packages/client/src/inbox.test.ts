import type { Counts, InboxPage, Notification } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { createEmitter } from './emitter.ts';
import { createInbox, type InboxEvents, type Request } from './inbox.ts';

const n = (i: number, extra: Partial<Notification> = {}): Notification => ({
  id: `n${i}`,
  recipient: 'u1',
  title: `t${i}`,
  severity: 'info',
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  ...extra,
});

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

/** A scripted REST side: routes answer by path; `gate` holds answers until released. */
function setup(routes: Record<string, (c: Call) => unknown>) {
  const calls: Call[] = [];
  let hold: Promise<void> | undefined;
  const request: Request = async <T,>(method: 'GET' | 'POST', path: string, body?: unknown) => {
    const c = { method, path, body };
    calls.push(c);
    if (hold) await hold;
    const key = Object.keys(routes).find((k) => path === k || path.startsWith(k + '?'));
    if (!key) throw new Error(`no route ${path}`);
    return routes[key](c) as T;
  };
  const em = createEmitter<InboxEvents>();
  const got: { [K in keyof InboxEvents]: InboxEvents[K][] } = { notification: [], state: [], counts: [], change: [] };
  for (const k of Object.keys(got) as (keyof InboxEvents)[]) em.on(k, (p) => (got[k] as unknown[]).push(p));
  const inbox = createInbox({ request, emit: em.emit, now: () => Date.UTC(2026, 1, 1) });
  return {
    inbox,
    calls,
    got,
    gate() {
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

const COUNTS: Counts = { unread: 3, unseen: 3, total: 3 };

describe('createInbox', () => {
  it('lists the first page, then loads more with the cursor, without duplicates', async () => {
    const { inbox, calls } = setup({
      '/v1/inbox': (c) =>
        (c.path.includes('cursor=c1') ? { items: [n(2), n(1)], nextCursor: null } : { items: [n(3), n(2)], nextCursor: 'c1' }) satisfies InboxPage,
    });
    await inbox.list({ status: 'unread', limit: 2 });
    expect(calls[0].path).toBe('/v1/inbox?status=unread&limit=2');
    expect(inbox.snapshot.hasMore).toBe(true);
    await inbox.loadMore();
    expect(calls[1].path).toBe('/v1/inbox?status=unread&limit=2&cursor=c1');
    expect(inbox.snapshot.items.map((x) => x.id)).toEqual(['n3', 'n2', 'n1']);
    expect(inbox.snapshot.hasMore).toBe(false);
    expect(await inbox.loadMore()).toBeNull();
  });

  it('prepends live notifications once and emits them once', async () => {
    const { inbox, got } = setup({ '/v1/inbox': () => ({ items: [n(1)], nextCursor: null }) });
    await inbox.list();
    inbox.apply('notification', n(2));
    inbox.apply('notification', n(2));
    inbox.apply('notification', n(1));
    expect(inbox.snapshot.items.map((x) => x.id)).toEqual(['n2', 'n1']);
    expect(got.notification.map((x) => x.id)).toEqual(['n2']);
  });

  it('counts a live notification once, and lets the next counts event correct it', async () => {
    const { inbox, got } = setup({ '/v1/inbox': () => ({ items: [n(1)], nextCursor: null }) });
    await inbox.list();
    inbox.apply('ready', { counts: { unread: 1, unseen: 1, total: 1 } });
    inbox.apply('notification', n(2));
    inbox.apply('notification', n(2));
    inbox.apply('notification', n(3, { readAt: '2026-01-01T00:00:00.000Z', seenAt: '2026-01-01T00:00:00.000Z' }));
    expect(inbox.snapshot.counts).toEqual({ unread: 2, unseen: 2, total: 3 });
    expect(got.counts.at(-1)).toEqual({ unread: 2, unseen: 2, total: 3 });
    inbox.apply('counts', { unread: 5, unseen: 5, total: 5 });
    expect(inbox.snapshot.counts).toEqual({ unread: 5, unseen: 5, total: 5 });
  });

  it('keeps a notification that arrives while the first page is in flight', async () => {
    const s = setup({ '/v1/inbox': () => ({ items: [n(1)], nextCursor: null }) });
    const release = s.gate();
    const p = s.inbox.list();
    s.inbox.apply('notification', n(2));
    release();
    await p;
    expect(s.inbox.snapshot.items.map((x) => x.id)).toEqual(['n2', 'n1']);
  });

  it('does not show live items outside the current category view', async () => {
    const { inbox, got } = setup({ '/v1/inbox': () => ({ items: [], nextCursor: null }) });
    await inbox.list({ category: 'billing' });
    inbox.apply('notification', n(1, { category: 'social' }));
    inbox.apply('notification', n(2, { category: 'billing' }));
    expect(inbox.snapshot.items.map((x) => x.id)).toEqual(['n2']);
    expect(got.notification).toHaveLength(2);
  });

  it('applies state changes to ids and to all, adjusting counts by what changed', async () => {
    const { inbox, got } = setup({ '/v1/inbox': () => ({ items: [n(3), n(2), n(1)], nextCursor: null }) });
    await inbox.list();
    inbox.apply('counts', COUNTS);
    inbox.apply('notification.state', { action: 'read', ids: ['n1', 'n2'], at: 'T1' });
    expect(inbox.snapshot.items.map((x) => x.readAt ?? null)).toEqual([null, 'T1', 'T1']);
    expect(inbox.snapshot.counts).toEqual({ unread: 1, unseen: 1, total: 3 });
    // Applying the same change again (this tab's echo) changes nothing.
    inbox.apply('notification.state', { action: 'read', ids: ['n1'], at: 'T2' });
    expect(inbox.snapshot.items[2].readAt).toBe('T1');
    expect(inbox.snapshot.counts.unread).toBe(1);
    inbox.apply('notification.state', { action: 'unread', ids: ['n1'], at: 'T3' });
    expect(inbox.snapshot.items[2].readAt).toBeUndefined();
    expect(inbox.snapshot.counts.unread).toBe(2);
    inbox.apply('notification.state', { action: 'seen', all: true, at: 'T4' });
    expect(inbox.snapshot.items.every((x) => x.seenAt)).toBe(true);
    expect(inbox.snapshot.counts.unseen).toBe(0);
    inbox.apply('notification.state', { action: 'read', all: true, at: 'T5' });
    expect(inbox.snapshot.items.every((x) => x.readAt)).toBe(true);
    expect(inbox.snapshot.counts.unread).toBe(0);
    expect(got.state).toHaveLength(5);
  });

  it('moves archived items out of the default view', async () => {
    const { inbox } = setup({ '/v1/inbox': () => ({ items: [n(2), n(1)], nextCursor: null }) });
    await inbox.list();
    inbox.apply('notification.state', { action: 'archive', ids: ['n1'], at: 'T' });
    expect(inbox.snapshot.items.map((x) => x.id)).toEqual(['n2']);
  });

  it('replaces counts from counts and ready events', () => {
    const { inbox, got } = setup({});
    inbox.apply('ready', { user: 'u1', counts: COUNTS, heartbeatMs: 1, topics: [], resumed: false });
    expect(inbox.snapshot.counts).toEqual(COUNTS);
    inbox.apply('counts', { unread: 9, unseen: 8, total: 10 });
    expect(inbox.snapshot.counts).toEqual({ unread: 9, unseen: 8, total: 10 });
    expect(got.counts).toHaveLength(2);
  });

  it('refetches the first page and the counts on reset', async () => {
    let page = { items: [n(1)], nextCursor: 'x' } as InboxPage;
    const { inbox, calls } = setup({ '/v1/inbox': () => page, '/v1/inbox/counts': () => COUNTS });
    await inbox.list({ status: 'unseen' });
    await inbox.loadMore();
    page = { items: [n(5), n(4)], nextCursor: null };
    inbox.apply('reset', { reason: 'retention' });
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.map((c) => c.path).slice(-2)).toEqual(['/v1/inbox?status=unseen', '/v1/inbox/counts']);
    expect(inbox.snapshot.items.map((x) => x.id)).toEqual(['n5', 'n4']);
    expect(inbox.snapshot.counts).toEqual(COUNTS);
  });

  it('announces items found by a polling refresh', async () => {
    let items = [n(1)];
    const { inbox, got } = setup({ '/v1/inbox': () => ({ items, nextCursor: null }), '/v1/inbox/counts': () => COUNTS });
    await inbox.list();
    items = [n(3), n(2), n(1)];
    await inbox.refresh(true);
    expect(got.notification.map((x) => x.id)).toEqual(['n2', 'n3']);
  });

  it('marks read optimistically, posts the ids and returns the changed count', async () => {
    const s = setup({ '/v1/inbox': () => ({ items: [n(2), n(1)], nextCursor: null }), '/v1/inbox/read': () => ({ changed: 1 }) });
    await s.inbox.list();
    s.inbox.apply('counts', { unread: 2, unseen: 2, total: 2 });
    const release = s.gate();
    const p = s.inbox.markRead(['n1']);
    // Before the server answers, the model already shows it read.
    expect(s.inbox.snapshot.items[1].readAt).toBe('2026-02-01T00:00:00.000Z');
    expect(s.inbox.snapshot.counts.unread).toBe(1);
    release();
    expect(await p).toBe(1);
    expect(s.calls.at(-1)).toEqual({ method: 'POST', path: '/v1/inbox/read', body: { ids: ['n1'] } });
  });

  it('posts all:true for markAllRead and markAllSeen', async () => {
    const s = setup({ '/v1/inbox/read': () => ({ changed: 4 }), '/v1/inbox/seen': () => ({ changed: 2 }) });
    expect(await s.inbox.markAllRead()).toBe(4);
    expect(await s.inbox.markAllSeen()).toBe(2);
    expect(s.calls.map((c) => [c.path, c.body])).toEqual([
      ['/v1/inbox/read', { all: true }],
      ['/v1/inbox/seen', { all: true }],
    ]);
  });

  it('rolls back an optimistic change that the server refuses, keeping live arrivals', async () => {
    const s = setup({
      '/v1/inbox': () => ({ items: [n(2), n(1)], nextCursor: null }),
      '/v1/inbox/archive': () => {
        throw new Error('nope');
      },
    });
    await s.inbox.list();
    s.inbox.apply('counts', { unread: 2, unseen: 2, total: 2 });
    const release = s.gate();
    const p = s.inbox.archive(['n1']);
    expect(s.inbox.snapshot.items.map((x) => x.id)).toEqual(['n2']);
    s.inbox.apply('notification', n(3));
    release();
    await expect(p).rejects.toThrow('nope');
    expect(s.inbox.snapshot.items.map((x) => [x.id, x.archivedAt ?? null])).toEqual([
      ['n3', null],
      ['n2', null],
      ['n1', null],
    ]);
    expect(s.inbox.snapshot.counts).toEqual({ unread: 2, unseen: 2, total: 2 });
  });

  it('clear (the tab’s user changed) drops items and counts, and ignores answers to calls made before it', async () => {
    const { inbox, gate } = setup({
      '/v1/inbox': () => ({ items: [n(1)], nextCursor: null }) satisfies InboxPage,
      '/v1/inbox/counts': () => COUNTS,
    });
    await inbox.list();
    await inbox.counts();
    expect(inbox.snapshot.items).toHaveLength(1);
    // The old user's answers are still in flight when the user changes.
    const release = gate();
    const page = inbox.list();
    const counts = inbox.counts();
    inbox.clear();
    expect(inbox.snapshot).toEqual({ items: [], counts: { unread: 0, unseen: 0, total: 0 }, hasMore: false, loaded: false });
    release();
    await Promise.all([page, counts]);
    expect(inbox.snapshot.items).toEqual([]);
    expect(inbox.snapshot.counts.total).toBe(0);
    expect(inbox.snapshot.loaded).toBe(false);
  });
});
