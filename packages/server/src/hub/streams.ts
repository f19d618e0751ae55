/**
 * The streams of this process: admission, the start of a stream (subscribe, decide where it
 * starts, replay, splice), live delivery of what the bus brings, gap repair and resync, and the
 * shared machinery every stream uses (heartbeat and expiry wheels, the flusher). It knows stores,
 * buses and sinks, never HTTP.
 */
import { BROADCAST, HeraldError, encodeBody, encodeRetry } from '@herald/protocol';
import type { Bus, BusMessage } from '../bus/bus.ts';
import type { Store } from '../store/store.ts';
import { StreamCatchUp, type CatchUpOptions } from './catch-up.ts';
import { Connection, type CloseReason, type ConnectionHost } from './connection.ts';
import { encodeTopicEvent, encodeUserEvent, type Encoded } from './encoded.ts';
import { ExpiryWheel } from './expiry.ts';
import { Flusher } from './flusher.ts';
import { HeartbeatWheel } from './heartbeat.ts';
import type { StreamGate } from './options.ts';
import { Registry } from './registry.ts';
import { decideStart } from './resume.ts';
import type { Sink } from './sink.ts';

export interface OpenStreamInput {
  user: string;
  /** Topics asked for and already checked against the credential; `broadcast` is added. */
  topics: string[];
  /** Last-Event-ID, if any. */
  cursor?: string;
  /** Epoch ms when the credential expires; the stream is closed within about a second of it. */
  expiresAt: number;
  ip: string;
  /**
   * Called once the stream is admitted and its store reads succeeded: writes the response head
   * and returns the sink. Anything thrown before it becomes an ordinary error response.
   */
  open(): Sink;
}

export interface StreamsOptions {
  store: Store;
  bus: Bus;
  gate?: StreamGate;
  clock: () => number;
  heartbeatMs: number;
  retryMs: number;
  bufferBytes: number;
  onError: (err: unknown, what: string) => void;
}

export class Streams {
  private readonly store: Store;
  private readonly o: StreamsOptions;
  private readonly registry: Registry;
  private readonly wheel: HeartbeatWheel<Connection>;
  private readonly expiry: ExpiryWheel<Connection>;
  private readonly catchUp: StreamCatchUp;
  private readonly flusher = new Flusher<Connection>();
  private readonly countsDue = new Set<string>();
  private readonly leases = new Map<Connection, { release(): void | Promise<void> }>();
  private nextConnId = 1;
  readonly counters = { deliveredTotal: 0, slowConsumersTotal: 0 };
  /**
   * What connections may ask of their owner. A private object, so these callbacks are on no
   * public API; one for all connections, so no connection holds a closure.
   */
  private readonly host: ConnectionHost = {
    repair: (conn) => this.repair(conn),
    countsChanged: (conn) => this.countsChanged(conn),
    markDirty: (conn) => this.flusher.add(conn),
    closed: (conn, reason) => this.closed(conn, reason),
  };

  constructor(o: StreamsOptions) {
    this.o = o;
    this.store = o.store;
    this.registry = new Registry(o.bus);
    this.wheel = new HeartbeatWheel(o.heartbeatMs);
    this.expiry = new ExpiryWheel(o.clock);
    this.catchUp = new StreamCatchUp(o.store);
  }

  /** Starts the heartbeat and expiry timers (one each for all streams). */
  start(): void {
    this.wheel.start();
    this.expiry.start();
  }

  get connections(): number {
    return this.registry.all.size;
  }

  get users(): number {
    return this.registry.userCount();
  }

  /** Admits, subscribes, replays what the cursor missed, then goes live (DESIGN §2). */
  async open(input: OpenStreamInput): Promise<Connection> {
    const lease = this.o.gate ? await this.o.gate.open(input.user, input.ip) : { release() {} };
    if (!lease) throw new HeraldError('too_many_streams', undefined, { retryAfter: 5 });
    let conn: Connection | undefined;
    try {
      const topics = [...new Set([BROADCAST, ...input.topics])];
      conn = new Connection({
        id: this.nextConnId++,
        user: input.user,
        topics,
        epoch: this.store.epoch,
        host: this.host,
        expiresAt: input.expiresAt,
        bufferLimit: this.o.bufferBytes,
      });
      this.leases.set(conn, lease);
      // Subscribe first, then read positions: anything committed after this point arrives live
      // (and waits in the connection), anything before it is in the store. The splice drops repeats.
      await this.registry.add(conn);
      const [userPos, topicPos] = await Promise.all([this.store.userPosition(input.user), this.store.topicPosition()]);
      const start = decideStart(input.cursor, this.store.epoch, userPos, topicPos);
      conn.begin(start.userSeq, start.topicSeq);
      const counts = await this.store.counts(input.user, this.o.clock());
      // Closed meanwhile: only a shutdown closes a stream that has no socket yet.
      if (conn.closed) throw new HeraldError('shutting_down', undefined, { retryAfter: 1 });
      // Every store read that can fail is done: only now is the stream answered with 200.
      conn.attach(input.open());
      conn.writeRaw(encodeRetry(this.o.retryMs * (0.5 + Math.random())));
      // The id makes the ready event resumable even before anything else arrives.
      conn.writeControl('ready', { user: input.user, counts, heartbeatMs: this.o.heartbeatMs, topics, resumed: start.resumed }, true);
      if (start.reset) conn.writeControl('reset', { reason: start.reset });
      this.wheel.add(conn);
      this.expiry.add(conn);
      // A stream without a cursor starts at the positions just read: nothing to replay, only the
      // events that arrived meanwhile (they waited, and the splice drops older ones).
      if (start.resumed) await this.replay(conn, { withTopics: true, position: userPos });
      else if (conn.takeResync()) await this.replay(conn, { withTopics: true });
      else conn.goLive();
      return conn;
    } catch (err) {
      if (conn) conn.close('shutdown');
      else Promise.resolve(lease.release()).catch((e) => this.o.onError(e, 'presence release'));
      throw err;
    }
  }

  /** A message from the bus: encoded once, offered to every interested stream of this process. */
  deliver(msg: BusMessage): void {
    let conns: Set<Connection> | undefined;
    let encoded: Encoded;
    if (msg.kind === 'user') {
      conns = this.registry.ofUser(msg.event.user);
      if (!conns) return;
      encoded = encodeUserEvent(msg.event);
    } else {
      conns = this.registry.ofTopic(msg.event.topic);
      if (!conns) return;
      encoded = encodeTopicEvent(msg.event);
    }
    for (const conn of conns) conn.offer(encoded);
    this.counters.deliveredTotal += conns.size;
  }

  /** The bus may have dropped messages: every live stream re-reads its logs. */
  resyncAll(): void {
    for (const conn of this.registry.all) if (conn.resync()) this.replayInBackground(conn, { withTopics: true }, 'resync');
  }

  /**
   * Closes every stream at a random moment within `windowMs`, each told to come back after a
   * short jittered `retry`, so a deploy does not turn into a reconnect storm.
   */
  async drain(windowMs: number): Promise<void> {
    await Promise.all(
      [...this.registry.all].map(
        (conn) =>
          new Promise<void>((resolve) => {
            setTimeout(() => {
              conn.writeRaw(encodeRetry(200 + Math.random() * 800));
              conn.close('drain');
              resolve();
            }, Math.random() * windowMs);
          }),
      ),
    );
  }

  /** Stops the timers and closes every stream. */
  close(): void {
    this.wheel.stop();
    this.expiry.stop();
    for (const conn of [...this.registry.all]) conn.close('shutdown');
  }

  /**
   * Catches a replaying stream up from the store (or tells it `reset` where retention removed
   * the range), then releases the events that waited.
   */
  private async replay(conn: Connection, o: CatchUpOptions): Promise<void> {
    let changed = false;
    // Once more for each resync that came meanwhile (each is a bus reconnect, so this is bounded).
    for (let first = true; first || conn.takeResync(); first = false) {
      const { replayed, reset } = await this.catchUp.run(conn, first ? o : { withTopics: true });
      if (conn.closed) return;
      changed ||= replayed > 0 || reset;
    }
    if (changed) this.countsChanged(conn);
    conn.goLive();
  }

  /**
   * Runs a replay in the background. A stream that cannot catch up is closed, never left waiting
   * with a growing buffer: its client reconnects and resumes from its cursor.
   */
  private replayInBackground(conn: Connection, o: CatchUpOptions, what: string): void {
    this.replay(conn, o).catch((err) => {
      this.o.onError(err, what);
      conn.close('shutdown');
    });
  }

  /** A stream saw a gap on the live path: fetch the missing range. */
  private repair(conn: Connection): void {
    this.replayInBackground(conn, { withTopics: false }, 'gap repair');
  }

  /** Fresh counts to every live stream of the user, once per user per tick. */
  private countsChanged(conn: Connection): void {
    const user = conn.user;
    if (this.countsDue.has(user)) return;
    this.countsDue.add(user);
    setImmediate(() => {
      this.countsDue.delete(user);
      this.store.counts(user, this.o.clock()).then(
        (counts) => {
          // Encoded once for all of the user's streams: the same bytes go to each.
          const event = encodeBody('counts', JSON.stringify(counts));
          for (const c of this.registry.ofUser(user) ?? []) if (c.phase === 'live') c.writeRaw(event);
        },
        (err) => this.o.onError(err, 'counts'),
      );
    });
  }

  private closed(conn: Connection, reason: CloseReason): void {
    if (reason === 'slow_consumer') this.counters.slowConsumersTotal++;
    this.registry.remove(conn);
    this.wheel.remove(conn);
    this.expiry.remove(conn);
    const lease = this.leases.get(conn);
    this.leases.delete(conn);
    if (lease) Promise.resolve(lease.release()).catch((err) => this.o.onError(err, 'presence release'));
  }
}
