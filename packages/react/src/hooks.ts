/**
 * Hooks over the SDK. They only subscribe to SDK events (useSyncExternalStore) and read the
 * SDK's immutable snapshots; no state of their own, so every component and the bell agree.
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { Counts, Notification } from '@herald/protocol';
import type { ConnectionState, InboxView } from '@herald/ui';
import { useHeraldClient, type HeraldClientLike } from './context.ts';

const EMPTY: InboxView = { items: [], counts: { unread: 0, unseen: 0, total: 0 }, hasMore: false };
const noop = () => () => {};

function useSnapshot(): InboxView {
  const client = useHeraldClient();
  const subscribe = useCallback((cb: () => void) => (client ? client.on('change', cb) : () => {}), [client]);
  const get = () => client?.inbox.snapshot ?? EMPTY;
  return useSyncExternalStore(client ? subscribe : noop, get, () => EMPTY);
}

/** What `useNotifications()` returns: the model and the inbox actions. */
export interface NotificationsApi {
  items: readonly Notification[];
  counts: Counts;
  hasMore: boolean;
  /** Loads the first page (again). */
  refresh(): Promise<unknown>;
  loadMore(): Promise<unknown>;
  markRead(ids: string[]): Promise<unknown>;
  markAllRead(): Promise<unknown>;
  markAllSeen(): Promise<unknown>;
  archive(ids: string[]): Promise<unknown>;
  /** The provider's client, for anything else the SDK offers. */
  client: HeraldClientLike | null;
}

const idle = () => Promise.resolve();

/** The inbox: items (newest first), counts, and the actions that change them. */
export function useNotifications(): NotificationsApi {
  const client = useHeraldClient();
  const snap = useSnapshot();
  const actions = useMemo(() => {
    const inbox = client?.inbox;
    return {
      refresh: inbox ? () => inbox.list() : idle,
      loadMore: inbox ? () => inbox.loadMore() : idle,
      markRead: inbox ? (ids: string[]) => inbox.markRead(ids) : idle,
      markAllRead: inbox ? () => inbox.markAllRead() : idle,
      markAllSeen: inbox ? () => inbox.markAllSeen() : idle,
      archive: inbox ? (ids: string[]) => inbox.archive(ids) : idle,
    };
  }, [client]);
  return { items: snap.items, counts: snap.counts, hasMore: snap.hasMore, ...actions, client };
}

/** The unread count; re-renders only when it changes. */
export function useUnreadCount(): number {
  const client = useHeraldClient();
  const subscribe = useCallback((cb: () => void) => (client ? client.on('change', cb) : () => {}), [client]);
  return useSyncExternalStore(client ? subscribe : noop, () => client?.inbox.snapshot.counts.unread ?? 0, () => 0);
}

/** The connection state (`connecting`, `live`, `reconnecting`, `offline`, `failed`, `polling`). */
export function useConnectionState(): ConnectionState {
  const client = useHeraldClient();
  const subscribe = useCallback((cb: () => void) => (client ? client.on('connection', cb) : () => {}), [client]);
  return useSyncExternalStore(client ? subscribe : noop, () => client?.state ?? 'connecting', () => 'connecting');
}
