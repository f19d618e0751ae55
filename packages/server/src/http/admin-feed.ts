/**
 * The admin dashboard's live feed (`GET /v1/admin/stream`): `stats` every second and `activity`
 * as it happens, over one SSE sink.
 *
 * Two rules keep a dashboard from hurting the node it watches:
 * - A failed stats read (cluster presence lives in Redis, which may be down) becomes a
 *   `stats.error` event carrying the usual error body, never a rejected promise: an unhandled
 *   rejection ends the process, and the dashboard would reconnect and end it again.
 * - It is a monitor, not a consumer: while its client is more than `MAX_BEHIND` bytes behind,
 *   events are skipped rather than queued, so a client that never reads costs its socket and no
 *   growing buffer.
 */
import { encodeComment, encodeEvent } from '@herald/protocol';
import type { Activity } from '../hub/options.ts';
import type { Sink } from '../hub/sink.ts';
import { toHeraldError } from './error-handler.ts';

/** Bytes a dashboard may lag before its events are skipped. */
const MAX_BEHIND = 256 * 1024;

/** The fields of a stats body the feed reads; the rest is passed through. */
export interface FeedStats {
  publishedTotal: number;
  topicEventsTotal: number;
}

export interface AdminFeedOptions<S extends FeedStats> {
  /** The stats of the moment; rejects while they cannot be read. */
  stats(): Promise<S>;
  /** Subscribes to activity; returns the unsubscribe. */
  onActivity(listener: (a: Activity) => void): () => void;
  /** Where a stats outage and its end are logged (once each, not every second). */
  log: { warn(obj: object, msg: string): void; info(msg: string): void };
  /** Default 1000. */
  intervalMs?: number;
  /** Default `Date.now`. */
  clock?: () => number;
}

export class AdminFeed<S extends FeedStats> {
  private sink: Sink | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  /** A stats read is in flight: a slow one (Redis timing out) must not pile up behind the timer. */
  private busy = false;
  private failing = false;
  private stopped = false;
  private lastTotal: number;
  private lastAt: number;

  /** `first` is read before the stream opens, so that an outage at open answers 503 instead. */
  constructor(
    private readonly o: AdminFeedOptions<S>,
    private readonly first: S,
  ) {
    this.lastTotal = first.publishedTotal + first.topicEventsTotal;
    this.lastAt = this.now();
  }

  start(sink: Sink): void {
    if (this.stopped) return;
    this.sink = sink;
    this.send(encodeComment('herald admin'));
    this.send(encodeEvent({ event: 'stats', data: JSON.stringify({ ...this.first, eventsPerSecond: 0 }) }));
    // tick() settles without rejecting: it catches every failure of the read it awaits.
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 1000);
    this.unsubscribe = this.o.onActivity((a) => this.send(encodeEvent({ event: 'activity', data: JSON.stringify(a) })));
  }

  /** The socket closed: no timer, no listener and no write survive it. */
  readonly stop = (): void => {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
  };

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      this.onStats(await this.o.stats());
    } catch (err) {
      this.onStatsError(err);
    } finally {
      this.busy = false;
    }
  }

  private onStats(s: S): void {
    if (this.stopped) return;
    if (this.failing) this.o.log.info('admin stream: stats readable again');
    this.failing = false;
    const now = this.now();
    const total = s.publishedTotal + s.topicEventsTotal;
    const eventsPerSecond = Math.round(((total - this.lastTotal) * 1000) / Math.max(1, now - this.lastAt));
    this.lastTotal = total;
    this.lastAt = now;
    this.send(encodeEvent({ event: 'stats', data: JSON.stringify({ ...s, eventsPerSecond }) }));
  }

  private onStatsError(err: unknown): void {
    if (this.stopped) return;
    const he = toHeraldError(err);
    if (!this.failing) this.o.log.warn({ err: he.cause ?? err }, `admin stream: stats unreadable (${he.code})`);
    this.failing = true;
    this.send(encodeEvent({ event: 'stats.error', data: JSON.stringify(he.toBody()) }));
  }

  private send(chunk: string): void {
    if (this.sink && this.sink.bufferedBytes < MAX_BEHIND) this.sink.write(chunk);
  }

  private now(): number {
    return (this.o.clock ?? Date.now)();
  }
}
