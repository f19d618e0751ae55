/**
 * The Hub: publish, open stream (replay and live splice), inbox operations. It knows stores, buses
 * and sinks, never HTTP. Every event is stored first, then fanned out over the bus; each process
 * delivers what the bus brings to its own connections, in sequence order per user (`streams.ts`).
 */
import { randomUUID } from 'node:crypto';
import { HeraldError, type Counts, type InboxStatus, type Notification, type StateAction } from '@herald/protocol';
import type { BusMessage } from '../bus/bus.ts';
import { toWire, type NewNotification, type StateTarget, type Store, type StoredNotification, type UserEvent } from '../store/store.ts';
import type { Connection } from './connection.ts';
import { HUB_DEFAULTS, type Activity, type HubOptions } from './options.ts';
import { Streams, type OpenStreamInput } from './streams.ts';

export type { OpenStreamInput } from './streams.ts';

export interface PublishInput extends Omit<NewNotification, 'id' | 'recipient'> {
  recipients: string[];
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
  private readonly streams: Streams;
  private readonly listeners = new Set<(a: Activity) => void>();
  private trimTimer: NodeJS.Timeout | undefined;
  private trimming: Promise<void> | undefined;
  private inFlight = new Set<Promise<unknown>>();
  private readonly counters = { publishedTotal: 0, topicEventsTotal: 0 };

  constructor(options: HubOptions) {
    this.o = {
      clock: Date.now,
      newId: randomUUID,
      onError: () => {},
      ...HUB_DEFAULTS,
      ...options,
    } as Hub['o'];
    this.store = options.store;
    this.streams = new Streams(this.o);
  }

  /**
   * Applies retention once (a restart applies a lowered retention at once, before any stream of
   * this process reads the logs), then starts the bus, the stream timers and the periodic trim.
   */
  async start(): Promise<void> {
    await this.trim();
    await this.o.bus.start({ message: (m) => this.streams.deliver(m), resync: () => this.streams.resyncAll() });
    this.streams.start();
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
    this.counters.publishedTotal += sends.length;
    // A dedupeKey hit may be the retry of a publish that a node committed and then died before
    // fanning out: send the stored event again, or live streams would wait for the user's next
    // event. Streams that have it already drop it (its seq is not past theirs): still once.
    for (const o of outcomes) if (!o.event) sends.push(this.send({ kind: 'user', event: storedEvent(o.notification) }));
    await Promise.all(sends);
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
  openStream(input: OpenStreamInput): Promise<Connection> {
    return this.streams.open(input);
  }

  // ── observing and stopping ──────────────────────────────────────────────────

  stats(): HubStats {
    return { connections: this.streams.connections, users: this.streams.users, ...this.counters, ...this.streams.counters };
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
    await this.streams.drain(windowMs);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Stops timers and closes what is left; the caller closes store and bus. */
  async close(): Promise<void> {
    clearInterval(this.trimTimer);
    this.streams.close();
    await Promise.allSettled([...this.inFlight]);
  }
}

/** The user-log event that created `n`, as catch-up reads it back: creation fields only, no read state. */
function storedEvent(n: StoredNotification): Extract<UserEvent, { type: 'notification' }> {
  const { seenAt: _seen, readAt: _read, archivedAt: _archived, ...created } = n;
  return { user: n.recipient, seq: n.seq, at: n.createdAt, type: 'notification', notification: created };
}
