/**
 * An in-memory `HeraldSource` for tests, screenshots and offline previews of the bell. It keeps
 * the same invariants as the SDK's model: items newest first, replaced on change, counts derived.
 */
import type { Counts, Notification } from '@herald/protocol';
import type { ConnectionState, HeraldSource, InboxView, SourceEvents } from './source.ts';

export interface FakeSource extends HeraldSource {
  /** Adds a notification as if it arrived live. */
  deliver(n: Notification): void;
  setState(s: ConnectionState): void;
  /** Makes the next `list()` / `loadMore()` calls reject. */
  failNext(times?: number): void;
  /** The tab's user changed: forgets every item, as the SDK's `inbox.clear()` does. */
  clear(): void;
  readonly calls: string[];
}

export function createFakeSource(options: { items?: Notification[]; pageSize?: number; state?: ConnectionState } = {}): FakeSource {
  const all = [...(options.items ?? [])];
  const pageSize = options.pageSize ?? 20;
  let shown = 0;
  let state: ConnectionState = options.state ?? 'live';
  let failures = 0;
  const calls: string[] = [];
  const listeners = new Map<keyof SourceEvents, Set<(v: never) => void>>();
  const emit = <K extends keyof SourceEvents>(k: K, v: SourceEvents[K]) => {
    for (const cb of listeners.get(k) ?? []) (cb as (x: SourceEvents[K]) => void)(v);
  };
  const nowIso = () => new Date().toISOString();
  const counts = (): Counts => {
    const live = all.filter((n) => !n.archivedAt);
    return { unread: live.filter((n) => !n.readAt).length, unseen: live.filter((n) => !n.seenAt).length, total: live.length };
  };
  const inbox = { snapshot: { items: [] as readonly Notification[], counts: counts(), hasMore: true } as InboxView };
  const sync = () => {
    inbox.snapshot = { items: all.slice(0, shown), counts: counts(), hasMore: shown < all.length };
    emit('change', inbox.snapshot);
  };
  const patch = (ids: string[] | 'all', f: (n: Notification) => Notification) => {
    for (let i = 0; i < all.length; i++) if (ids === 'all' || ids.includes(all[i].id)) all[i] = f(all[i]);
    sync();
    return Promise.resolve();
  };
  const page = async (from: number) => {
    calls.push(from === 0 ? 'list' : 'loadMore');
    await new Promise((r) => setTimeout(r, 30));
    if (failures > 0) {
      failures--;
      throw new Error('fake failure');
    }
    shown = Math.min(all.length, from + pageSize);
    sync();
  };
  return {
    calls,
    get state() {
      return state;
    },
    inbox: Object.assign(inbox, {
      list: () => page(0),
      loadMore: () => page(shown),
      markRead: (ids: string[]) => (calls.push('markRead'), patch(ids, (n) => ({ ...n, readAt: n.readAt ?? nowIso() }))),
      markAllRead: () => (calls.push('markAllRead'), patch('all', (n) => ({ ...n, readAt: n.readAt ?? nowIso() }))),
      markAllSeen: () => (calls.push('markAllSeen'), patch('all', (n) => ({ ...n, seenAt: n.seenAt ?? nowIso() }))),
      archive: (ids: string[]) => (calls.push('archive'), patch(ids, (n) => ({ ...n, archivedAt: nowIso() }))),
    }),
    on(k, cb) {
      let set = listeners.get(k);
      if (!set) listeners.set(k, (set = new Set()));
      set.add(cb as (v: never) => void);
      return () => void set.delete(cb as (v: never) => void);
    },
    close() {
      calls.push('close');
    },
    deliver(n) {
      all.unshift(n);
      shown++;
      sync();
      emit('notification', n);
    },
    setState(s) {
      state = s;
      emit('connection', s);
    },
    failNext(times = 1) {
      failures = times;
    },
    clear() {
      all.length = shown = 0;
      sync();
    },
  };
}
