/**
 * What the bell consumes from the SDK, and nothing more. `createHerald()` from `@herald/client`
 * satisfies it; tests and other hosts can pass any object of this shape as `bell.client`.
 */
import type { Counts, Notification } from '@herald/protocol';

/** Connection states of the SDK; `polling` means streaming could not work and it polls. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'failed' | 'polling';

/** The model's state; the SDK replaces (never mutates) it on every change. */
export interface InboxView {
  /** Newest first. */
  readonly items: readonly Notification[];
  readonly counts: Counts;
  /** False once the last page was loaded. */
  readonly hasMore: boolean;
}

/** The local inbox model the SDK keeps consistent from stream events. */
export interface InboxSource {
  readonly snapshot: InboxView;
  /** Loads the first page (again). */
  list(): Promise<unknown>;
  /** Loads the next page and appends it. */
  loadMore(): Promise<unknown>;
  markRead(ids: string[]): Promise<unknown>;
  markAllRead(): Promise<unknown>;
  markAllSeen(): Promise<unknown>;
  archive(ids: string[]): Promise<unknown>;
}

export interface SourceEvents {
  /** A notification that just arrived live (not one loaded from a page). */
  notification: Notification;
  /** Items or counts changed; the bell rereads `inbox.snapshot`. */
  change: unknown;
  /** The connection state changed; the bell rereads `state`. */
  connection: unknown;
}

/** The SDK surface the bell needs. */
export interface HeraldSource {
  readonly inbox: InboxSource;
  readonly state: ConnectionState;
  on<K extends keyof SourceEvents>(event: K, cb: (value: SourceEvents[K]) => void): () => void;
  close(): void;
}
