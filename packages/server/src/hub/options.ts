/** Options of the Hub, with their defaults in one place. */
import type { Bus } from '../bus/bus.ts';
import type { Retention, Store } from '../store/store.ts';

/** What the hub needs of presence: admission of a stream against the connection limits. */
export interface StreamGate {
  /** Null when a limit (per user across nodes, per address) is reached. */
  open(user: string, ip: string): Promise<{ release(): void | Promise<void> } | null>;
}

/** Something the admin dashboard shows: a publish, a topic event, a state change. */
export interface Activity {
  kind: 'notification' | 'topic' | 'state';
  user?: string;
  topic?: string;
  title?: string;
  count?: number;
  at: string;
}

export interface HubOptions {
  store: Store;
  bus: Bus;
  /** Stream admission; default: no limits. */
  gate?: StreamGate;
  /** Default `Date.now`. */
  clock?: () => number;
  /** Notification id generator. Default: random UUIDs. */
  newId?: () => string;
  /** Heartbeat comment interval, ms. Default 15000. */
  heartbeatMs?: number;
  /** Base reconnection delay sent as `retry:`, jittered ±50 %. Default 3000. */
  retryMs?: number;
  /** Bytes a connection may have queued before it is cut as a slow consumer. Default 1 MiB. */
  bufferBytes?: number;
  /** Log retention, applied every `trimEveryMs`. */
  retention?: Retention;
  /** Default 60000. */
  trimEveryMs?: number;
  /** Called on failures that do not fail a request (bus publish, trim). Default: ignore. */
  onError?: (err: unknown, what: string) => void;
}

export const HUB_DEFAULTS = {
  heartbeatMs: 15_000,
  retryMs: 3_000,
  bufferBytes: 1 << 20,
  trimEveryMs: 60_000,
  retention: {
    userEventMaxCount: 1000,
    userEventAgeMs: 7 * 24 * 3600_000,
    topicMaxCount: 10_000,
    topicAgeMs: 3600_000,
  } satisfies Retention,
};
