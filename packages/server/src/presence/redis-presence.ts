/**
 * Cluster-wide presence in Redis. Each node keeps a hash `user → open streams` and a heartbeat key
 * that expires (`ttlMs`), refreshed every `heartbeatMs`; cluster figures sum the hashes of live
 * nodes only, so the streams of a SIGKILLed node stop counting once its heartbeat expires. Dead
 * nodes' keys are collected by whoever notices them.
 *
 * All keys share the hash tag `{presence}`, so the scripts' keys live in one Redis Cluster slot.
 *
 * The node's own streams are also tallied in memory, the truth the Redis hash is rebuilt from when
 * it may be wrong: at start (a previous run with this node id left counts), after Redis lost the
 * heartbeat key (restart, or this node was paused past the TTL and collected), and after an error.
 * While Redis is down `open` degrades to this node's own counts (streams keep opening; the
 * per-user limit holds per node only) and reports the error to `onError`.
 */
import { Redis } from 'ioredis';
import { entriesOf, resolveLimits, type Lease, type Presence, type PresenceEntry, type PresenceLimits, type PresenceStats } from './presence.ts';
import { takeLease } from './lease.ts';
import { Tally } from './tally.ts';

export interface RedisPresenceOptions extends PresenceLimits {
  /** Your client (you keep ownership: `close()` does not quit it), or give `url`. */
  redis?: Redis;
  url?: string;
  /** This node's id, unique per process in the cluster (e.g. `host:pid`). Required. */
  nodeId: string;
  /** Prepended to every key. Default `herald:`. */
  prefix?: string;
  /** Heartbeat period. Default 5000 ms. */
  heartbeatMs?: number;
  /** A node whose heartbeat is older than this no longer counts. Default 15000 ms. */
  ttlMs?: number;
  /** Redis errors (open then degrades to local counts). Default: ignored. */
  onError?: (err: Error) => void;
  /**
   * A command on the presence's own client (`url`) not answered within this fails, so a Redis
   * that hangs without closing the connection degrades `open` like one that is down, instead of
   * holding every new stream until it answers. Default 2000 ms.
   */
  commandTimeoutMs?: number;
}

const DEFAULTS = { prefix: 'herald:', heartbeatMs: 5000, ttlMs: 15_000, commandTimeoutMs: 2000, onError: (_err: Error) => {} };

/**
 * Counts the user's streams on live nodes and takes one more only below the limit, atomically.
 * Returns 0 (refused), 1 (granted) or 2 (granted, but this node had been counted dead: its hash
 * was collected and needs a rebuild).
 */
const OPEN_SCRIPT = `
local base, node, user, limit, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local total = 0
for _, n in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if n == node or redis.call('EXISTS', base .. 'alive:' .. n) == 1 then
    total = total + tonumber(redis.call('HGET', base .. 'node:' .. n, user) or '0')
  end
end
if total >= limit then return 0 end
local was = redis.call('EXISTS', base .. 'alive:' .. node)
redis.call('HINCRBY', base .. 'node:' .. node, user, 1)
redis.call('SET', base .. 'alive:' .. node, '1', 'PX', ttl)
redis.call('SADD', KEYS[1], node)
if was == 1 then return 1 end
return 2`;

/**
 * Live node ids; a dead node's keys are deleted in the same step, so a node that revives meanwhile
 * finds its heartbeat key gone and rebuilds its hash.
 */
const LIVE_SCRIPT = `
local base = ARGV[1]
local live = {}
for _, n in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', base .. 'alive:' .. n) == 1 then
    table.insert(live, n)
  else
    redis.call('SREM', KEYS[1], n)
    redis.call('DEL', base .. 'node:' .. n)
  end
end
return live`;

/** Decrements, forgetting users at 0 (and never going below: a count rebuilt meanwhile may be lower). */
const RELEASE_SCRIPT = `
local v = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if v <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return v`;

export class RedisPresence implements Presence {
  readonly #o: Required<Omit<RedisPresenceOptions, 'redis' | 'url' | 'commandTimeoutMs' | keyof PresenceLimits>>;
  readonly #limits: Required<PresenceLimits>;
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #base: string;
  readonly #users = new Tally();
  readonly #ips = new Tally();
  readonly #timer: NodeJS.Timeout;
  readonly #ready: Promise<void>;
  /** The Redis hash may disagree with `#users`: rebuild it at the next heartbeat. */
  #dirty = true;
  #closed = false;

  constructor(options: RedisPresenceOptions) {
    if (!options.nodeId) throw new Error('presence: nodeId is required');
    this.#limits = resolveLimits(options);
    this.#o = {
      nodeId: options.nodeId,
      prefix: options.prefix ?? DEFAULTS.prefix,
      heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
      ttlMs: options.ttlMs ?? DEFAULTS.ttlMs,
      onError: options.onError ?? DEFAULTS.onError,
    };
    if (!(this.#o.ttlMs > this.#o.heartbeatMs)) throw new Error('presence: ttlMs must exceed heartbeatMs');
    if (options.redis) {
      this.#redis = options.redis;
      this.#owned = false;
    } else if (options.url) {
      // Fail fast while disconnected: `open` then degrades instead of waiting for Redis.
      // A timed-out command may still run when Redis answers again; the count it changed is
      // rebuilt from the local tally at the next heartbeat (`#dirty`, set by every failure).
      const commandTimeout = options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs;
      this.#redis = new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout, connectionName: 'herald-presence' });
      this.#owned = true;
    } else {
      throw new Error('presence: pass { redis } or { url }');
    }
    this.#redis.on('error', this.#o.onError);
    this.#base = `${this.#o.prefix}{presence}:`;
    // #heartbeat never rejects: it reports its own failures to onError and marks the hash dirty.
    this.#timer = setInterval(() => void this.#heartbeat(), this.#o.heartbeatMs);
    this.#timer.unref();
    this.#ready = this.#whenConnected().then(() => this.#heartbeat());
  }

  async open(user: string, ip: string): Promise<Lease | null> {
    if (this.#closed) throw new Error('presence: open after close');
    await this.#ready;
    if (this.#ips.get(ip) >= this.#limits.maxStreamsPerIp) return null;
    // Hold the address's slot while Redis decides: every open of a burst awaits Redis at once, and
    // a check made before that await alone would let all of them past the per-address limit.
    this.#ips.inc(ip);
    let granted: boolean;
    try {
      const args = [this.#base, this.#o.nodeId, user, String(this.#limits.maxStreamsPerUser), String(this.#o.ttlMs)];
      const result = await this.#redis.eval(OPEN_SCRIPT, 1, this.#key('nodes'), ...args);
      granted = result !== 0;
      if (result === 2) this.#dirty = true;
    } catch (err) {
      this.#o.onError(err as Error);
      this.#dirty = true;
      granted = this.#users.get(user) < this.#limits.maxStreamsPerUser;
    } finally {
      // Given back before takeLease counts it again, with no await between: never counted twice.
      this.#ips.dec(ip);
    }
    if (!granted) return null;
    return takeLease({ users: this.#users, ips: this.#ips, closed: () => this.#closed }, user, ip, async () => {
      await this.#redis.eval(RELEASE_SCRIPT, 1, this.#key(`node:${this.#o.nodeId}`), user).catch((err: Error) => {
        this.#o.onError(err);
        this.#dirty = true;
      });
    });
  }

  async online(users: readonly string[]): Promise<Record<string, PresenceEntry>> {
    await this.#ready;
    const totals = new Map<string, number>();
    if (users.length > 0) {
      const nodes = await this.#liveNodes();
      const pipe = this.#redis.pipeline();
      for (const n of nodes) pipe.hmget(this.#key(`node:${n}`), ...users);
      for (const [err, counts] of (await pipe.exec()) ?? []) {
        if (err) throw err;
        (counts as (string | null)[]).forEach((c, i) => totals.set(users[i], (totals.get(users[i]) ?? 0) + Number(c ?? 0)));
      }
    }
    return entriesOf(users, (user) => totals.get(user) ?? 0);
  }

  async stats(): Promise<PresenceStats> {
    await this.#ready;
    const nodes = await this.#liveNodes();
    const pipe = this.#redis.pipeline();
    for (const n of nodes) pipe.hgetall(this.#key(`node:${n}`));
    let connections = 0;
    const users = new Set<string>();
    for (const [err, hash] of (await pipe.exec()) ?? []) {
      if (err) throw err;
      for (const [user, count] of Object.entries(hash as Record<string, string>)) {
        const n = Number(count);
        if (n <= 0) continue;
        connections += n;
        users.add(user);
      }
    }
    return { connections, users: users.size, nodes: nodes.length };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#ready;
    // Leave at once rather than after the TTL: this node's streams are closing.
    await this.#redis
      .multi()
      .del(this.#key(`node:${this.#o.nodeId}`), this.#key(`alive:${this.#o.nodeId}`))
      .srem(this.#key('nodes'), this.#o.nodeId)
      .exec()
      .catch(this.#o.onError);
    this.#redis.off('error', this.#o.onError);
    if (this.#owned) await this.#redis.quit().catch(() => this.#redis.disconnect());
    this.#users.clear();
    this.#ips.clear();
  }

  /** Refreshes this node's heartbeat; rebuilds its hash when it may be wrong. Never throws. */
  async #heartbeat(): Promise<void> {
    if (this.#closed) return;
    try {
      const id = this.#o.nodeId;
      const was = await this.#redis.set(this.#key(`alive:${id}`), '1', 'PX', this.#o.ttlMs, 'GET');
      await this.#redis.sadd(this.#key('nodes'), id);
      if (was === null || this.#dirty) {
        this.#dirty = false;
        const hash = this.#key(`node:${id}`);
        const tx = this.#redis.multi().del(hash);
        const fields = [...this.#users.entries()].flat();
        if (fields.length > 0) tx.hset(hash, ...fields);
        await tx.exec();
      }
      await this.#liveNodes();
    } catch (err) {
      this.#dirty = true;
      this.#o.onError(err as Error);
    }
  }

  /** Ids of nodes with a live heartbeat; collects the keys of dead ones (atomically: see LIVE_SCRIPT). */
  async #liveNodes(): Promise<string[]> {
    return (await this.#redis.eval(LIVE_SCRIPT, 1, this.#key('nodes'), this.#base)) as string[];
  }

  /** Waits (bounded) for an owned client's first connection, so start-up does not degrade needlessly. */
  async #whenConnected(): Promise<void> {
    const deadline = Date.now() + 5000;
    while (this.#redis.status !== 'ready' && this.#redis.status !== 'end' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  #key(name: string): string {
    return this.#base + name;
  }
}

/** Creates Redis-backed, cluster-wide presence. */
export function createRedisPresence(options: RedisPresenceOptions): Presence {
  return new RedisPresence(options);
}
