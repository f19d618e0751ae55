/**
 * The Redis bus: cross-process fan-out over Redis pub/sub, JSON messages on channels named
 * `<prefix><channel>` (`herald:u:alice`, `herald:t:news`). With `sharded`, it uses SPUBLISH and
 * SSUBSCRIBE so Redis Cluster routes each channel to one shard instead of every node.
 *
 * Failure model (the store is the source of truth, see bus.ts):
 * - `publish` while disconnected or starved rejects at once with `HeraldError('unavailable')`;
 *   nothing is queued (a stale event replayed later adds nothing a resync does not). The hub logs
 *   and goes on.
 * - A Redis that hangs (a partition dropping packets, a server stuck or paused) closes nothing and
 *   answers nothing: every command on our own clients fails after `commandTimeoutMs`, so no
 *   publish or stream open waits on it for longer, and the probe marks the bus starved.
 * - `subscribe` while disconnected resolves at once; the channel is subscribed on reconnect.
 * - After every reconnect the bus resubscribes every channel, then calls `handlers.resync()`.
 * - A self-probe detects a connection that delivers nothing: `healthy()` turns false, and true
 *   again (with a resync) when probes come back.
 * - Every client 'error' goes to `onError`; none is left unhandled, so a Redis outage never crashes.
 */
import { randomBytes } from 'node:crypto';
import { HeraldError } from '@herald/protocol';
import { Redis } from 'ioredis';
import type { Bus, BusHandlers, BusMessage } from './bus.ts';
import { Probe } from './probe.ts';

/** Why health changed, for logs and metrics. */
export type BusHealthReason = 'connected' | 'disconnected' | 'starved' | 'recovered' | 'closed';

export interface RedisBusOptions {
  /** Prepended to every channel. Default `herald:`. */
  prefix?: string;
  /** Use SPUBLISH/SSUBSCRIBE (Redis ≥ 7; for Redis Cluster). Default false. */
  sharded?: boolean;
  /** How often the bus probes itself. Default 1000 ms. */
  probeIntervalMs?: number;
  /** A probe not back within this marks the bus starved (unhealthy). Default 3000 ms. */
  probeTimeoutMs?: number;
  /** How long `start()` waits for Redis before resolving unhealthy. Default 5000 ms. */
  startTimeoutMs?: number;
  /** A command on the bus's own clients (`{ url }`) not answered within this fails. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Connection and message errors. Default: ignored. */
  onError?: (err: Error) => void;
  /** Health transitions. Default: none. */
  onHealth?: (healthy: boolean, reason: BusHealthReason) => void;
  /** Injected clock. Default `Date.now`. */
  now?: () => number;
}

/** Either your own two clients (you keep ownership: `close()` does not quit them) or a URL. */
export type RedisBusConnection = { pub: Redis; sub: Redis } | { url: string };

const DEFAULTS = {
  prefix: 'herald:',
  sharded: false,
  probeIntervalMs: 1000,
  probeTimeoutMs: 3000,
  startTimeoutMs: 5000,
  commandTimeoutMs: 2000,
  onError: (_err: Error) => {},
  onHealth: (_healthy: boolean, _reason: BusHealthReason) => {},
  now: Date.now,
} satisfies Required<RedisBusOptions>;

/** Channels per SUBSCRIBE when resubscribing (keeps each command small). */
const SUBSCRIBE_BATCH = 500;

export class RedisBus implements Bus {
  readonly #o: Required<RedisBusOptions>;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #owned: boolean;
  readonly #probeChannel: string;
  readonly #probe: Probe;
  /** Channels as the hub names them (`u:alice`), without the prefix. */
  readonly #channels = new Set<string>();
  readonly #listeners: [Redis, string, (...args: any[]) => void][] = [];
  #handlers: BusHandlers | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** True once every channel is subscribed on the current sub connection. */
  #subLive = false;
  #everLive = false;
  /** A (re)subscribe of every channel is under way. */
  #connecting = false;
  #closed = false;
  #lastHealth = false;

  constructor(connection: RedisBusConnection, options: RedisBusOptions = {}) {
    this.#o = { ...DEFAULTS, ...stripUndefined(options) };
    if (!(this.#o.probeTimeoutMs > 0 && this.#o.probeIntervalMs > 0)) {
      throw new Error('redis bus: probeIntervalMs and probeTimeoutMs must be positive');
    }
    if ('url' in connection) {
      // Our own clients: no automatic resubscribe (we do it, then resync, in that order), and a
      // command in flight when the connection drops fails fast instead of waiting for retries.
      const common = { maxRetriesPerRequest: 1, autoResubscribe: false, commandTimeout: this.#o.commandTimeoutMs };
      // Auto-pipelining batches the publishes of one tick into one write (a hub publishing a
      // 1000-recipient fan-out sends 1000 messages at once).
      this.#pub = new Redis(connection.url, { ...common, enableAutoPipelining: true, connectionName: 'herald-bus-pub' });
      this.#sub = new Redis(connection.url, { ...common, connectionName: 'herald-bus-sub' });
      this.#owned = true;
    } else {
      this.#pub = connection.pub;
      this.#sub = connection.sub;
      this.#owned = false;
    }
    this.#probeChannel = `${this.#o.prefix}probe:${randomBytes(8).toString('hex')}`;
    this.#probe = new Probe(this.#o.probeTimeoutMs);
    this.#on(this.#pub, 'error', this.#o.onError);
    this.#on(this.#sub, 'error', this.#o.onError);
  }

  async start(handlers: BusHandlers): Promise<void> {
    this.#handlers = handlers;
    this.#on(this.#sub, this.#o.sharded ? 'smessage' : 'message', (channel: string, payload: string) => this.#receive(channel, payload));
    // #connect runs the caller's resync and onHealth: a throw there is reported, never left as an
    // unhandled rejection (which would end the process).
    this.#on(this.#sub, 'ready', () => void this.#connect().catch(this.#o.onError));
    this.#on(this.#sub, 'close', () => this.#lost());
    this.#on(this.#pub, 'ready', () => this.#update('connected'));
    this.#on(this.#pub, 'close', () => this.#update('disconnected'));
    this.#timer = setInterval(() => this.#tick(), this.#o.probeIntervalMs);
    this.#timer.unref();
    if (this.#sub.status === 'ready') await this.#connect();
    const deadline = this.#o.now() + this.#o.startTimeoutMs;
    while (!this.healthy() && this.#o.now() < deadline) await sleep(20);
  }

  async publish(msg: BusMessage): Promise<void> {
    if (this.#closed) throw new Error('redis bus: publish after close');
    if (this.#pub.status !== 'ready') {
      throw new HeraldError('unavailable', `redis bus: not connected (${this.#pub.status}); the store repairs delivery on resync`);
    }
    // Starved: Redis is not delivering (or not answering), and the recovery resyncs every stream.
    if (this.#probe.starved) throw new HeraldError('unavailable', 'redis bus: starved (no probe back); the store repairs delivery on resync');
    const channel = this.#o.prefix + (msg.kind === 'user' ? `u:${msg.event.user}` : `t:${msg.event.topic}`);
    const payload = JSON.stringify(msg);
    await (this.#o.sharded ? this.#pub.spublish(channel, payload) : this.#pub.publish(channel, payload));
  }

  async subscribe(channel: string): Promise<void> {
    if (this.#closed) return;
    this.#channels.add(channel);
    if (this.#sub.status === 'ready') await this.#subscribeRaw([this.#o.prefix + channel]);
  }

  async unsubscribe(channel: string): Promise<void> {
    // Removed first: a message already on the wire for this channel is dropped in #receive.
    if (!this.#channels.delete(channel) || this.#sub.status !== 'ready') return;
    const name = this.#o.prefix + channel;
    await (this.#o.sharded ? this.#sub.sunsubscribe(name) : this.#sub.unsubscribe(name)).catch(this.#o.onError);
  }

  healthy(): boolean {
    return this.#handlers !== null && !this.#closed && this.#subLive && this.#pub.status === 'ready' && !this.#probe.starved;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    const names = [...this.#channels].map((c) => this.#o.prefix + c);
    this.#channels.clear();
    if (this.#owned) {
      await Promise.all([this.#pub, this.#sub].map((c) => c.quit().catch(() => c.disconnect())));
    } else if (this.#sub.status === 'ready') {
      const all = [...names, this.#probeChannel];
      await (this.#o.sharded ? Promise.all(all.map((n) => this.#sub.sunsubscribe(n))) : this.#sub.unsubscribe(...all)).catch(this.#o.onError);
    }
    for (const [client, event, fn] of this.#listeners.splice(0)) client.off(event, fn);
    this.#update('closed');
  }

  /** The sub connection is (again) ready: subscribe everything, then let the hub catch up. */
  async #connect(): Promise<void> {
    if (this.#closed || !this.#handlers || this.#connecting) return;
    this.#connecting = true;
    try {
      await this.#subscribeAll();
    } finally {
      this.#connecting = false;
    }
  }

  async #subscribeAll(): Promise<void> {
    if (!this.#handlers) return;
    this.#subLive = false;
    const names = [this.#probeChannel, ...[...this.#channels].map((c) => this.#o.prefix + c)];
    const ok = await this.#subscribeRaw(names);
    if (!ok || this.#closed || this.#sub.status !== 'ready') return;
    this.#probe.reset();
    this.#subLive = true;
    this.#update('connected');
    if (this.#everLive) this.#handlers.resync();
    this.#everLive = true;
  }

  #lost(): void {
    this.#subLive = false;
    this.#probe.reset();
    this.#update('disconnected');
  }

  /** Returns false (after reporting) when Redis refused or the connection dropped meanwhile. */
  async #subscribeRaw(names: string[]): Promise<boolean> {
    try {
      if (this.#o.sharded) {
        // One channel per SSUBSCRIBE: in a cluster, channels of one command must share a slot.
        await Promise.all(names.map((n) => this.#sub.ssubscribe(n)));
      } else {
        for (let i = 0; i < names.length; i += SUBSCRIBE_BATCH) await this.#sub.subscribe(...names.slice(i, i + SUBSCRIBE_BATCH));
      }
      return true;
    } catch (err) {
      this.#o.onError(err as Error);
      return false;
    }
  }

  #receive(channel: string, payload: string): void {
    if (this.#closed || !this.#handlers) return;
    if (channel === this.#probeChannel) {
      if (this.#probe.received(Number(payload))) {
        this.#update('recovered');
        this.#handlers.resync();
      }
      return;
    }
    if (!channel.startsWith(this.#o.prefix) || !this.#channels.has(channel.slice(this.#o.prefix.length))) return;
    let msg: BusMessage;
    try {
      msg = JSON.parse(payload) as BusMessage;
    } catch (err) {
      this.#o.onError(new Error(`redis bus: bad JSON on ${channel}`, { cause: err }));
      return;
    }
    this.#handlers.message(msg);
  }

  #tick(): void {
    // A resubscribe that failed on a connection still open (Redis hung past the command timeout
    // while we subscribed) gets no new 'ready' event: try it again here, or the bus stays down.
    if (!this.#subLive && this.#sub.status === 'ready' && !this.#connecting) void this.#connect().catch(this.#o.onError);
    if (!this.#subLive || this.#pub.status !== 'ready') return;
    if (this.#probe.check(this.#o.now())) {
      this.#update('starved');
      // Self-heal the likeliest cause, a subscription lost behind our back (SUBSCRIBE is
      // idempotent); probes coming back then end the starvation with a resync. Not awaited: the
      // tick is synchronous, and #subscribeRaw reports its own failures to onError.
      void this.#subscribeRaw([this.#probeChannel, ...[...this.#channels].map((c) => this.#o.prefix + c)]);
    }
    const seq = this.#probe.send(this.#o.now());
    const send = this.#o.sharded ? this.#pub.spublish(this.#probeChannel, String(seq)) : this.#pub.publish(this.#probeChannel, String(seq));
    send.catch(this.#o.onError);
  }

  #update(reason: BusHealthReason): void {
    const now = this.healthy();
    if (now === this.#lastHealth) return;
    this.#lastHealth = now;
    this.#o.onHealth(now, reason);
  }

  #on(client: Redis, event: string, fn: (...args: any[]) => void): void {
    client.on(event, fn);
    this.#listeners.push([client, event, fn]);
  }
}

/** Creates a Redis bus from your own clients (`{ pub, sub }`) or a URL (`{ url }`). */
export function createRedisBus(options: RedisBusConnection & RedisBusOptions): RedisBus {
  const { pub, sub, url, ...rest } = options as Partial<{ pub: Redis; sub: Redis; url: string }> & RedisBusOptions;
  if (url !== undefined) return new RedisBus({ url }, rest);
  if (!pub || !sub) throw new Error('redis bus: pass { url } or { pub, sub }');
  if (pub === sub) throw new Error('redis bus: pub and sub must be two clients (a subscribed connection cannot publish)');
  return new RedisBus({ pub, sub }, rest);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
