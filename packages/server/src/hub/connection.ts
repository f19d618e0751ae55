/**
 * One open stream: its resume state and its pending bytes.
 *
 * The resume state (phase, the cursor's sequences, the events waiting while the stream replays,
 * a resync that came meanwhile) has one owner, this class, and changes only through the named
 * moves below (`begin`, `resync`, `goLive`, `skipTo`, `close`, and a gap seen by `offer`), checked
 * against `stream-phase.ts`. The streams and the catch-up ask for moves; they never write fields.
 *
 * Ordering rule (DESIGN §2): a user event is written only when its seq is exactly the next one;
 * an older one is dropped (already sent), a newer one means a gap that the hub repairs from the
 * store before anything else is written. Topic events are written when newer than the last one.
 *
 * Hot path: one object per stream with a fixed shape, methods on the prototype, no closures or
 * timers; the waiting buffer is allocated only while something waits.
 */
import { encodeBody, encodeId, type ResetData } from '@herald/protocol';
import type { Encoded, EncodedTopic, EncodedUser } from './encoded.ts';
import type { Sink } from './sink.ts';
import { canMove, isReplaying, type StreamPhase } from './stream-phase.ts';

export type CloseReason = 'client' | 'slow_consumer' | 'token_expired' | 'drain' | 'shutdown';

/** What a connection asks of the hub; keeps Connection free of stores and buses. */
export interface ConnectionHost {
  /** A gap was seen (the stream is `repairing`): fetch the missing range, then `goLive`. */
  repair(conn: Connection): void;
  /** A state change was written: send fresh counts soon. */
  countsChanged(conn: Connection): void;
  /** Bytes are pending: flush them soon (coalesced with other events of this tick). */
  markDirty(conn: Connection): void;
  /** The connection is gone. */
  closed(conn: Connection, reason: CloseReason): void;
}

export interface ConnectionInit {
  id: number;
  user: string;
  topics: readonly string[];
  epoch: string;
  host: ConnectionHost;
  /** Epoch ms when the credential expires; the stream is closed then. */
  expiresAt: number;
  /** Bytes the sink may hold before the consumer counts as stalled. */
  bufferLimit: number;
}

export class Connection {
  readonly id: number;
  readonly user: string;
  readonly topics: readonly string[];
  readonly expiresAt: number;
  #phase: StreamPhase = 'opening';
  #userSeq = 0;
  #topicSeq = 0;
  /** Events that arrived while the stream was not live, in arrival order; null when none. */
  #early: Encoded[] | null = null;
  /** The bus asked for a resync while the stream was not live: the running replay reads again. */
  #resyncDue = false;
  #pending = '';
  #dirty = false;
  #idPrefix = '';
  readonly #epoch: string;
  /** Null until the response head is written: see `attach`. */
  #sink: Sink | null = null;
  readonly #host: ConnectionHost;
  readonly #bufferLimit: number;

  constructor(init: ConnectionInit) {
    this.id = init.id;
    this.user = init.user;
    this.topics = init.topics;
    this.expiresAt = init.expiresAt;
    this.#epoch = init.epoch;
    this.#host = init.host;
    this.#bufferLimit = init.bufferLimit;
    this.#refreshPrefix();
  }

  get phase(): StreamPhase {
    return this.#phase;
  }

  get closed(): boolean {
    return this.#phase === 'closed';
  }

  /** The last user seq written to the client. */
  get userSeq(): number {
    return this.#userSeq;
  }

  /** The last topic seq written to the client. */
  get topicSeq(): number {
    return this.#topicSeq;
  }

  /** The cursor of everything written so far. */
  cursor(): string {
    return `${this.#idPrefix.slice(4)}${this.#topicSeq.toString(36)}`;
  }

  // ── moves ────────────────────────────────────────────────────────────────────

  /** opening → catching_up: the stream starts after these sequences (see `decideStart`). */
  begin(userSeq: number, topicSeq: number): void {
    this.#move('catching_up');
    this.#userSeq = userSeq;
    this.#topicSeq = topicSeq;
    this.#refreshPrefix();
  }

  /**
   * The bus may have dropped messages. live → catching_up, and true: the caller replays. While
   * opening or replaying, false, and the replay under way is asked to read again (`takeResync`):
   * its reads may predate what the bus dropped.
   */
  resync(): boolean {
    if (this.#phase === 'live') {
      this.#move('catching_up');
      return true;
    }
    if (this.#phase !== 'closed') this.#resyncDue = true;
    return false;
  }

  /** Whether a resync came while the stream was not live (see `resync`); clears it. */
  takeResync(): boolean {
    const due = this.#resyncDue;
    this.#resyncDue = false;
    return due;
  }

  /** catching_up | repairing → live: releases the events that waited, in arrival order. */
  goLive(): void {
    this.#move('live');
    const waiting = this.#early;
    this.#early = null;
    // A gap among them moves the stream to `repairing` again, and the rest waits once more.
    if (waiting) for (const e of waiting) this.offer(e);
  }

  /**
   * catching_up | repairing: the user log up to `to` cannot be replayed (retention removed part
   * of it). Tells the client `reset` (it refetches the inbox) with an id at the new position, and
   * continues after `to`; events waiting at or below it are dropped when the stream goes live.
   */
  skipTo(to: number, reason: ResetData['reason']): void {
    if (!isReplaying(this.#phase)) throw new Error(`stream ${this.id}: skipTo while ${this.#phase}`);
    if (to <= this.#userSeq) return;
    this.#userSeq = to;
    this.#refreshPrefix();
    this.writeControl('reset', { reason } satisfies ResetData, true);
  }

  close(reason: CloseReason): void {
    if (this.#phase === 'closed') return;
    if (reason === 'slow_consumer') {
      this.#move('closed');
      this.#sink?.destroy();
    } else {
      this.#flushPending();
      this.#move('closed');
      this.#sink?.end();
    }
    this.#pending = '';
    this.#early = null;
    this.#host.closed(this, reason);
  }

  #move(to: StreamPhase): void {
    if (!canMove(this.#phase, to)) throw new Error(`stream ${this.id}: no move from ${this.#phase} to ${to}`);
    this.#phase = to;
  }

  // ── events ───────────────────────────────────────────────────────────────────

  /** An event from the bus: written when live and in order, kept while replaying. */
  offer(e: Encoded): void {
    const phase = this.#phase;
    if (phase === 'live') {
      if (e.kind === 'user') this.#offerUser(e);
      else this.#offerTopic(e);
    } else if (phase !== 'closed') {
      (this.#early ??= []).push(e);
    }
  }

  /** While replaying: writes a user event from the store if it is the next one. */
  replayUser(e: EncodedUser): boolean {
    if (!isReplaying(this.#phase) || e.seq !== this.#userSeq + 1) return false;
    this.#writeUser(e);
    return true;
  }

  /** While replaying: writes a topic event from the store if it is newer than the last one. */
  replayTopic(e: EncodedTopic): void {
    if (isReplaying(this.#phase) && e.seq > this.#topicSeq) this.#writeTopic(e);
  }

  /**
   * The user seq a replay must reach before the waiting events can be written: one below the
   * first waiting user event past a gap, or 0 when none waits past one.
   */
  mustReach(): number {
    let first = Infinity;
    if (this.#early) for (const e of this.#early) if (e.kind === 'user' && e.seq > this.#userSeq + 1 && e.seq < first) first = e.seq;
    return first === Infinity ? 0 : first - 1;
  }

  #offerUser(e: EncodedUser): void {
    if (e.seq <= this.#userSeq) return;
    if (e.seq !== this.#userSeq + 1) {
      this.#move('repairing');
      this.#early = [e];
      this.#host.repair(this);
      return;
    }
    this.#writeUser(e);
    if (e.changesCounts) this.#host.countsChanged(this);
  }

  #offerTopic(e: EncodedTopic): void {
    if (e.seq > this.#topicSeq) this.#writeTopic(e);
  }

  #writeUser(e: EncodedUser): void {
    this.#userSeq = e.seq;
    this.#refreshPrefix();
    this.#enqueue(`${this.#idPrefix}${this.#topicSeq.toString(36)}\n${e.body}`);
  }

  #writeTopic(e: EncodedTopic): void {
    this.#topicSeq = e.seq;
    this.#enqueue(`${this.#idPrefix}${e.seq36}\n${e.body}`);
  }

  /** Writes an event that does not move the cursor (ready, counts, reset). */
  writeControl(event: string, data: unknown, withId = false): void {
    this.#enqueue((withId ? encodeId(this.cursor()) : '') + encodeBody(event, JSON.stringify(data)));
  }

  /** Writes raw protocol text (heartbeat comments, retry). */
  writeRaw(text: string): void {
    this.#enqueue(text);
  }

  #refreshPrefix(): void {
    this.#idPrefix = `id: ${this.#epoch}.${this.#userSeq.toString(36)}.`;
  }

  // ── bytes ────────────────────────────────────────────────────────────────────

  #enqueue(text: string): void {
    if (this.#phase === 'closed') return;
    this.#pending += text;
    if (!this.#dirty) {
      this.#dirty = true;
      this.#host.markDirty(this);
    }
  }

  /**
   * Gives the connection its sink once the stream is answered. Until then nothing is written, so
   * a failure while setting the stream up can still be a clean error response.
   */
  attach(sink: Sink): void {
    this.#sink = sink;
    if (this.#pending !== '' && !this.#dirty) {
      this.#dirty = true;
      this.#host.markDirty(this);
    }
  }

  /** Writes the pending bytes in one write. A consumer that stopped reading is cut off. */
  flush(): void {
    this.#dirty = false;
    if (this.#phase === 'closed') return;
    if (this.#flushPending() && this.#sink!.bufferedBytes > this.#bufferLimit) this.close('slow_consumer');
  }

  /** Writes what is pending to the sink, if any; true when something was written. */
  #flushPending(): boolean {
    if (this.#pending === '' || !this.#sink) return false;
    const chunk = this.#pending;
    this.#pending = '';
    this.#sink.write(chunk);
    return true;
  }
}
