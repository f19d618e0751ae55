/**
 * The local inbox model: the first pages of the user's inbox and the counts, kept consistent
 * from stream events, plus the inbox REST calls with optimistic updates. Every change replaces
 * the immutable `snapshot`, so a UI can compare by identity (React's useSyncExternalStore).
 */
import type { Counts, InboxPage, InboxStatus, Notification, StateAction, StateChange } from '@herald/protocol';
import { isCounts, isNotification, isStateChange } from './event-shape.ts';

/** Sends one REST call and resolves with the parsed JSON body; rejects with a `HeraldError`. */
export type Request = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

export interface InboxQuery {
  /** Default `all`. */
  status?: InboxStatus;
  category?: string;
  /** Page size; the server's default when absent. */
  limit?: number;
  /** A `nextCursor` from a previous page. */
  cursor?: string;
}

export interface InboxSnapshot {
  /** Newest first: the pages loaded so far plus what arrived live. */
  readonly items: readonly Notification[];
  readonly counts: Counts;
  /** Whether `loadMore()` can fetch another page. */
  readonly hasMore: boolean;
  /** Whether a first page has been loaded. */
  readonly loaded: boolean;
}

/** Events the inbox emits. */
export interface InboxEvents {
  /** A new notification (live, or found by polling). */
  notification: Notification;
  /** A state change, from this tab (optimistic) or from the stream. */
  state: StateChange;
  counts: Counts;
  /** The snapshot changed. */
  change: InboxSnapshot;
}

export interface Inbox {
  readonly snapshot: InboxSnapshot;
  /** Fetches a page. Without a cursor it replaces the model's items and sets the view. */
  list(query?: InboxQuery): Promise<InboxPage>;
  /** Fetches the next page of the current view and appends it; null at the end. */
  loadMore(): Promise<InboxPage | null>;
  /** Fetches the counts and replaces the model's. */
  counts(): Promise<Counts>;
  /** Refetches the first page and the counts; with `announce`, new items are emitted as `notification`. */
  refresh(announce?: boolean): Promise<void>;
  markRead(ids: string[]): Promise<number>;
  markUnread(ids: string[]): Promise<number>;
  markSeen(ids: string[]): Promise<number>;
  archive(ids: string[]): Promise<number>;
  unarchive(ids: string[]): Promise<number>;
  markAllRead(): Promise<number>;
  markAllSeen(): Promise<number>;
  /** Applies one stream event (already JSON-parsed); unknown names are ignored. */
  apply(event: string, data: unknown): void;
  /**
   * Forgets everything (items, counts, view): the tab's user changed. Answers to calls made
   * before are ignored, so nothing of the old user comes back.
   */
  clear(): void;
}

export interface InboxOptions {
  request: Request;
  emit<K extends keyof InboxEvents>(name: K, payload: InboxEvents[K]): void;
  /** Clock for optimistic timestamps. Default `Date.now`. */
  now?: () => number;
}

const ZERO: Counts = { unread: 0, unseen: 0, total: 0 };

/** Applies an action to one item; returns it unchanged (same object) when nothing changes. */
function change(n: Notification, action: StateAction, at: string): Notification {
  const c = { ...n };
  if (action === 'read') {
    // Reading implies seeing, as in every bell UI; the server's counts correct any difference.
    c.readAt ??= at;
    c.seenAt ??= at;
  } else if (action === 'unread') delete c.readAt;
  else if (action === 'seen') c.seenAt ??= at;
  else if (action === 'archive') c.archivedAt ??= at;
  else delete c.archivedAt;
  return c.readAt === n.readAt && c.seenAt === n.seenAt && c.archivedAt === n.archivedAt ? n : c;
}

/** Creates an inbox model over a REST `request` function. */
export function createInbox(o: InboxOptions): Inbox {
  const now = o.now ?? Date.now;
  let snap: InboxSnapshot = { items: [], counts: ZERO, hasMore: false, loaded: false };
  let view: InboxQuery = {};
  let next: string | null = null;
  let gen = 0;
  // Bumped by clear(): an answer from before belongs to the previous user.
  let epoch = 0;
  let inflight = false;
  // Notifications that arrived while a first page was in flight: the page may predate them.
  let arrivals: Notification[] = [];
  // A reset's refetch is running; another reset came meanwhile.
  let resyncing = false;
  let resyncAgain = false;

  function set(patch: Partial<InboxSnapshot>): void {
    snap = { ...snap, ...patch };
    o.emit('change', snap);
  }

  function setCounts(counts: Counts): void {
    o.emit('counts', counts);
    set({ counts });
  }

  const shows = (n: Notification) => view.status !== 'archived' && (!view.category || n.category === view.category);

  /** Applies a state change to the items, adjusting counts by the transitions seen locally. */
  function applyChange(sc: StateChange): void {
    const ids = sc.ids && new Set(sc.ids);
    let { unread, unseen, total } = snap.counts;
    let items = snap.items.map((n) => {
      if (ids && !ids.has(n.id)) return n;
      const c = change(n, sc.action, sc.at);
      if (!n.readAt !== !c.readAt) unread += c.readAt ? -1 : 1;
      if (!n.seenAt && c.seenAt) unseen--;
      return c;
    });
    if (sc.all && sc.action === 'read') unread = unseen = 0;
    if (sc.all && sc.action === 'seen') unseen = 0;
    // Archiving moves items between views.
    if (sc.action === 'archive' || sc.action === 'unarchive') items = items.filter((n) => !n.archivedAt === (view.status !== 'archived'));
    o.emit('state', sc);
    set({ items, counts: { unread: Math.max(0, unread), unseen: Math.max(0, unseen), total } });
  }

  async function list(q: InboxQuery = {}): Promise<InboxPage> {
    const first = !q.cursor;
    const my = first ? ++gen : gen;
    const ep = epoch;
    if (first) {
      view = { status: q.status, category: q.category, limit: q.limit };
      arrivals = [];
      inflight = true;
    }
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) qs.set(k, String(v));
    const search = String(qs);
    let page: InboxPage;
    try {
      page = await o.request<InboxPage>('GET', `/v1/inbox${search && '?' + search}`);
    } finally {
      if (first && my === gen) inflight = false;
    }
    // A newer first-page fetch started meanwhile: its answer wins.
    if (my !== gen || ep !== epoch) return page;
    const seen = new Set<string>();
    const keep = (n: Notification) => !seen.has(n.id) && !!seen.add(n.id);
    const items = (first ? [...arrivals.filter(shows), ...page.items] : [...snap.items, ...page.items]).filter(keep);
    next = page.nextCursor;
    set({ items, hasMore: !!next, loaded: true });
    return page;
  }

  async function counts(): Promise<Counts> {
    const ep = epoch;
    const c = await o.request<Counts>('GET', '/v1/inbox/counts');
    if (ep === epoch) setCounts(c);
    return c;
  }

  async function refresh(announce = false): Promise<void> {
    const known = new Set(snap.items.map((n) => n.id));
    const [page] = await Promise.all([list(view), counts()]);
    if (announce) for (const n of [...page.items].reverse()) if (!known.has(n.id)) o.emit('notification', n);
  }

  /**
   * Refetches after a `reset`. Resets that arrive while one refetch runs are folded into one
   * more after it, so a server repeating `reset` cannot turn a stream into a flood of calls.
   */
  function resync(): void {
    if (resyncing) {
      resyncAgain = true;
      return;
    }
    resyncing = true;
    resyncAgain = false;
    refresh()
      .catch(() => {
        // The snapshot keeps what it had; the next reset, poll or list() refetches.
      })
      .finally(() => {
        resyncing = false;
        if (resyncAgain) resync();
      });
  }

  async function mark(action: StateAction, ids?: string[]): Promise<number> {
    const before = snap;
    const ep = epoch;
    applyChange(ids ? { action, ids, at: new Date(now()).toISOString() } : { action, all: true, at: new Date(now()).toISOString() });
    try {
      return (await o.request<{ changed: number }>('POST', `/v1/inbox/${action}`, ids ? { ids } : { all: true })).changed;
    } catch (err) {
      if (ep !== epoch) throw err;
      // Roll back only what this call touched: stream events may have changed other items since.
      const old = new Map(before.items.map((n) => [n.id, n]));
      const hit = (n: Notification) => !ids || ids.includes(n.id);
      const items = snap.items.map((n) => (hit(n) ? old.get(n.id) ?? n : n));
      for (const n of before.items) if (hit(n) && !items.some((m) => m.id === n.id)) items.push(n);
      items.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      set({ items, counts: before.counts });
      throw err;
    }
  }

  return {
    get snapshot() {
      return snap;
    },
    list,
    async loadMore() {
      return next ? list({ ...view, cursor: next }) : null;
    },
    counts,
    refresh,
    markRead: (ids) => mark('read', ids),
    markUnread: (ids) => mark('unread', ids),
    markSeen: (ids) => mark('seen', ids),
    archive: (ids) => mark('archive', ids),
    unarchive: (ids) => mark('unarchive', ids),
    markAllRead: () => mark('read'),
    markAllSeen: () => mark('seen'),
    apply(event, data) {
      // Data of another shape (a broken proxy, a hostile server) is ignored: see event-shape.ts.
      if (event === 'notification') {
        if (!isNotification(data)) return;
        const n = data;
        if (snap.items.some((m) => m.id === n.id)) return;
        if (inflight) arrivals.push(n);
        o.emit('notification', n);
        // The server sends counts after state changes and replays, not after each live
        // notification: count it here, and the next counts event corrects any difference.
        const c = snap.counts;
        const counts = n.archivedAt ? c : { unread: c.unread + (n.readAt ? 0 : 1), unseen: c.unseen + (n.seenAt ? 0 : 1), total: c.total + 1 };
        if (counts !== c) o.emit('counts', counts);
        set(shows(n) ? { items: [n, ...snap.items], counts } : { counts });
      } else if (event === 'notification.state') {
        if (isStateChange(data)) applyChange(data);
      } else if (event === 'counts') {
        if (isCounts(data)) setCounts(data);
      } else if (event === 'ready') {
        const counts = (data as { counts?: unknown } | null)?.counts;
        if (isCounts(counts)) setCounts(counts);
      }
      // The cursor was too old or from another database: what we hold may be stale.
      else if (event === 'reset') resync();
    },
    clear() {
      epoch++;
      gen++;
      inflight = false;
      arrivals = [];
      view = {};
      next = null;
      set({ items: [], counts: ZERO, hasMore: false, loaded: false });
    },
  };
}
