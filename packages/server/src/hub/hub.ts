/**
 * The Hub: publish, open stream (replay and live splice), inbox operations. It knows stores, buses
 * and sinks, never HTTP. Every event is stored first, then fanned out over the bus; each process
 * delivers what the bus brings to its own connections, in sequence order per user.
 */
import { randomUUID } from 'node:crypto';
import {
  BROADCAST,
  HeraldError,
  encodeRetry,
  type Counts,
  type InboxStatus,
  type Notification,
  type StateAction,
} from '@herald/protocol';
import type { BusMessage } from '../bus/bus.ts';
import { toWire, type NewNotification, type StateTarget, type Store } from '../store/store.ts';
import { StreamCatchUp, type CatchUpOptions } from './catch-up.ts';
import { Connection, type CloseReason, type ConnectionHost } from './connection.ts';
import { encodeTopicEvent, encodeUserEvent, type Encoded } from './encoded.ts';
import { ExpiryWheel } from './expiry.ts';
import { Flusher } from './flusher.ts';
import { HeartbeatWheel } from './heartbeat.ts';
import { HUB_DEFAULTS, type Activity, type HubOptions } from './options.ts';
import { Registry } from './registry.ts';
import { decideStart } from './resume.ts';
import type { Sink } from './sink.ts';

export interface PublishInput extends Omit<NewNotification, 'id' | 'recipient'> {
  recipients: string[];
}

export interface OpenStreamInput {
  user: string;
  /** Topics asked for and already checked against the credential; `broadcast` is added. */
  topics: string[];
  /** Last-Event-ID, if any. */
  cursor?: string;
  /** Epoch ms when the credential expires. */
  expiresAt: number;
  ip: string;
  /**
   * Called once the stream is admitted and its store reads succeeded: writes the response head
   * and returns the sink. Anything thrown before it becomes an ordinary error response.
   */
  open(): Sink;
}

export interface HubStats {
  connections: number;
  users: number;
  publishedTotal: number;
  topicEventsTotal: number;
  deliveredTotal: number;
  slowConsumersTotal: number;
}

export class Hub {
  readonly store: Store;
  private readonly o: Required<Omit<HubOptions, 'gate'>> & Pick<HubOptions, 'gate'>;
  private readonly registry: Registry;
  private readonly wheel: HeartbeatWheel<Connection>;
  private readonly expiry: ExpiryWheel<Connection>;
  private readonly catchUp: StreamCatchUp;
  /**
   * What connections may ask of the hub. A private object, so these callbacks are not part of the
   * public Hub API; one for all connections, so no connection holds a closure.
   */
  private readonly host: ConnectionHost = {
    repair: (conn) => this.repair(conn),
    countsChanged: (conn) => this.countsChanged(conn),
    markDirty: (conn) => this.flusher.add(conn),
    closed: (conn, reason) => this.closed(conn, reason),
  };
  private trimming: Promise<void> | undefined;
  private readonly flusher = new Flusher();
  private readonly countsDue = new Set<string>();
  private readonly listeners = new Set<(a: Activity) => void>();
  private trimTimer: NodeJS.Timeout | undefined;
  private nextConnId = 1;
  private inFlight = new Set<Promise<unknown>>();
  private readonly counters = { publishedTotal: 0, topicEventsTotal: 0, deliveredTotal: 0, slowConsumersTotal: 0 };
  private readonly leases = new Map<Connection, { release(): void | Promise<void> }>();

  constructor(options: HubOptions) {
    this.o = {
      clock: Date.now,
      newId: randomUUID,
      onError: () => {},
      ...HUB_DEFAULTS,
      ...options,
    } as Hub['o'];
    this.store = options.store;
    this.registry = new Registry(options.bus);
    this.wheel = new HeartbeatWheel(this.o.heartbeatMs);
    this.expiry = new ExpiryWheel(this.o.clock);
    this.catchUp = new StreamCatchUp(this.store);
  }

  /**
   * Applies retention once (a restart applies a lowered retention at once, before any stream of
   * this process reads the logs), then starts the bus, the timers and the periodic trim.
   */
  async start(): Promise<void> {
    await this.trim();
    await this.o.bus.start({ message: (m) => this.onBusMessage(m), resync: () => this.resyncAll() });
    this.wheel.start();
    this.expiry.start();
    // trim() reports its own failures to onError and never rejects.
    this.trimTimer = setInterval(() => void this.trim(), this.o.trimEveryMs);
    this.trimTimer.unref();
  }

  /** One trim at a time; a failure is reported, never thrown (the next period tries again). */
  private trim(): Promise<void> {
    this.trimming ??= this.store
      .trim(this.o.retention, this.o.clock())
      .catch((err) => this.o.onError(err, 'trim'))
      .finally(() => (this.trimming = undefined));
    return this.trimming;
  }

  // ── publishing ──────────────────────────────────────────────────────────────

  /** Stores one copy per recipient (all or none), then fans each out. */
  async publish(input: PublishInput): Promise<{ notifications: { id: string; recipient: string }[] }> {
    const { recipients, ...fields } = input;
    const items = recipients.map((recipient) => ({ ...fields, id: this.o.newId(), recipient }));
    const outcomes = await this.track(this.store.publish(items, this.o.clock()));
    const sends: Promise<void>[] = [];
    for (const o of outcomes) if (o.event) sends.push(this.send({ kind: 'user', event: o.event }));
    await Promise.all(sends);
    this.counters.publishedTotal += sends.length;
    this.emit({ kind: 'notification', user: recipients.length === 1 ? recipients[0] : undefined, count: recipients.length, title: input.title, at: new Date(this.o.clock()).toISOString() });
    return { notifications: outcomes.map((o) => ({ id: o.notification.id, recipient: o.notification.recipient })) };
  }

  /** Appends a topic event (`data` as JSON text) and fans it out. Returns its cursor-free id. */
  async publishTopic(topic: string, event: string, data: string): Promise<{ id: string }> {
    const stored = await this.track(this.store.appendTopicEvent(topic, event, data, this.o.clock()));
    await this.send({ kind: 'topic', event: stored });
    this.counters.topicEventsTotal++;
    this.emit({ kind: 'topic', topic, at: new Date(stored.at).toISOString() });
    return { id: `t${stored.seq.toString(36)}` };
  }

  /** Bus failures never fail a publish: the event is stored, and streams repair from the store. */
  private async send(msg: BusMessage): Promise<void> {
    try {
      await this.o.bus.publish(msg);
    } catch (err) {
      this.o.onError(err, 'bus publish');
    }
  }

  // ── inbox ───────────────────────────────────────────────────────────────────

  async changeState(user: string, action: StateAction, target: StateTarget): Promise<{ changed: number }> {
    const { event } = await this.track(this.store.changeState(user, action, target, this.o.clock()));
    if (!event) return { changed: 0 };
    await this.send({ kind: 'user', event });
    this.emit({ kind: 'state', user, at: new Date(event.at).toISOString() });
    return { changed: event.change.all ? -1 : (event.change.ids?.length ?? 0) };
  }

  async inbox(
    user: string,
    q: { status: InboxStatus; category?: string; limit: number; cursor?: string },
  ): Promise<{ items: Notification[]; nextCursor: string | null }> {
    let beforeSeq: number | undefined;
    if (q.cursor !== undefined) {
      beforeSeq = /^[0-9a-z]{1,11}$/.test(q.cursor) ? parseInt(q.cursor, 36) : NaN;
      if (!Number.isSafeInteger(beforeSeq)) throw new HeraldError('invalid_cursor');
    }
    const rows = await this.store.listInbox(user, { status: q.status, category: q.category, limit: q.limit + 1, beforeSeq }, this.o.clock());
    const page = rows.slice(0, q.limit);
    const more = rows.length > q.limit;
    return { items: page.map(toWire), nextCursor: more ? page[page.length - 1]!.seq.toString(36) : null };
  }

  counts(user: string): Promise<Counts> {
    return this.store.counts(user, this.o.clock());
  }

  // ── streams ─────────────────────────────────────────────────────────────────

  /** Admits, subscribes, replays what the cursor missed, then goes live (DESIGN §2). */
  async openStream(input: OpenStreamInput): Promise<Connection> {
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
      const counts = await this.counts(input.user);
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
      else conn.goLive();
      return conn;
    } catch (err) {
      if (conn) conn.close('shutdown');
      else Promise.resolve(lease.release()).catch((e) => this.o.onError(e, 'presence release'));
      throw err;
    }
  }

  /**
   * Catches a replaying connection up from the store (or tells it `reset` where retention removed
   * the range), then releases the events that waited.
   */
  private async replay(conn: Connection, o: CatchUpOptions): Promise<void> {
    const { replayed, reset } = await this.catchUp.run(conn, o);
    if (conn.closed) return;
    if (replayed > 0 || reset) this.countsChanged(conn);
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

  /** A connection saw a gap on the live path: fetch the missing range. */
  private repair(conn: Connection): void {
    this.replayInBackground(conn, { withTopics: false }, 'gap repair');
  }

  /** The bus may have dropped messages: every live connection re-reads its logs. */
  private resyncAll(): void {
    for (const conn of this.registry.all) if (conn.resync()) this.replayInBackground(conn, { withTopics: true }, 'resync');
  }

  private onBusMessage(msg: BusMessage): void {
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

  private countsChanged(conn: Connection): void {
    if (this.countsDue.has(conn.user)) return;
    this.countsDue.add(conn.user);
    setImmediate(() => {
      this.countsDue.delete(conn.user);
      this.counts(conn.user).then(
        (counts) => {
          for (const c of this.registry.ofUser(conn.user) ?? []) if (c.phase === 'live') c.writeControl('counts', counts);
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

  // ── observing and stopping ──────────────────────────────────────────────────

  stats(): HubStats {
    return { connections: this.registry.all.size, users: this.registry.userCount(), ...this.counters };
  }

  onActivity(listener: (a: Activity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(a: Activity): void {
    for (const l of this.listeners) l(a);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  /**
   * Closes every stream at a random moment within `windowMs`, each told to come back after a
   * short jittered `retry`, so a deploy does not turn into a reconnect storm; then waits for
   * in-flight writes to the store.
   */
  async drain(windowMs: number): Promise<void> {
    const conns = [...this.registry.all];
    await Promise.all(
      conns.map(
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
    await Promise.allSettled([...this.inFlight]);
  }

  /** Stops timers and closes what is left; the caller closes store and bus. */
  async close(): Promise<void> {
    clearInterval(this.trimTimer);
    this.wheel.stop();
    this.expiry.stop();
    for (const conn of [...this.registry.all]) conn.close('shutdown');
    await Promise.allSettled([...this.inFlight]);
  }
}
