/**
 * The presence seam: who has streams open, and the per-user and per-IP connection limits.
 * `LocalPresence` counts one process; `RedisPresence` counts the cluster, so the per-user limit
 * and `/v1/presence` and `/v1/stats` hold across nodes. The per-IP limit is always per node: an
 * address is one client's TCP connections to this node, and the load balancer spreads them.
 */

/** One open stream's registration. */
export interface Lease {
  /** Unregisters the stream. Idempotent: a second call does nothing. */
  release(): Promise<void>;
}

export interface PresenceEntry {
  online: boolean;
  /** Open streams of the user (cluster-wide when Redis-backed). */
  streams: number;
}

export interface PresenceStats {
  /** Open streams. */
  connections: number;
  /** Distinct users with at least one stream. */
  users: number;
  /** Nodes alive (1 for local presence). */
  nodes: number;
}

export interface Presence {
  /**
   * Registers a stream of `user` from `ip`. Null when the user already has `maxStreamsPerUser`
   * streams, or the address has `maxStreamsPerIp` streams on this node (the caller answers 429
   * `too_many_streams`).
   */
  open(user: string, ip: string): Promise<Lease | null>;
  /** Presence of each user asked for (every one gets an entry). */
  online(users: readonly string[]): Promise<Record<string, PresenceEntry>>;
  stats(): Promise<PresenceStats>;
  /** Stops counting this node's streams. */
  close(): Promise<void>;
}

export interface PresenceLimits {
  /** Streams one user may hold at once, across all nodes when Redis-backed. Default 50. */
  maxStreamsPerUser?: number;
  /** Streams one address may hold at once on one node. Default 1000 (offices behind one NAT). */
  maxStreamsPerIp?: number;
}

export const PRESENCE_LIMIT_DEFAULTS = {
  maxStreamsPerUser: 50,
  maxStreamsPerIp: 1000,
} satisfies Required<PresenceLimits>;

/** Fills defaults and fails at start-up on a nonsense limit. */
export function resolveLimits(limits: PresenceLimits): Required<PresenceLimits> {
  const out = {
    maxStreamsPerUser: limits.maxStreamsPerUser ?? PRESENCE_LIMIT_DEFAULTS.maxStreamsPerUser,
    maxStreamsPerIp: limits.maxStreamsPerIp ?? PRESENCE_LIMIT_DEFAULTS.maxStreamsPerIp,
  };
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`presence: ${name} must be a positive integer, got ${value}`);
  }
  return out;
}

/**
 * Builds `online()`'s answer. `Object.fromEntries` defines own properties, so a user named
 * `__proto__` is an entry, not a prototype change.
 */
export function entriesOf(users: readonly string[], streamsOf: (user: string) => number): Record<string, PresenceEntry> {
  return Object.fromEntries(users.map((user) => {
    const streams = streamsOf(user);
    return [user, { online: streams > 0, streams }];
  }));
}
