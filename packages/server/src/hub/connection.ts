/**
 * One open stream. Holds only what the hot path needs: the cursor parts, the pending bytes and a
 * buffer for events that arrive while the stream is catching up from the store.
 *
 * Ordering rule (DESIGN §2): a user event is written only when its seq is exactly the next one;
 * an older one is dropped (already sent), a newer one means a gap that the hub repairs from the
 * store before anything else is written. Topic events are written when newer than the last one.
 */
import { encodeBody, encodeId } from '@herald/protocol';
import type { Encoded, EncodedTopic, EncodedUser } from './encoded.ts';
import type { Sink } from './sink.ts';

export type CloseReason = 'client' | 'slow_consumer' | 'token_expired' | 'drain' | 'shutdown';

/** What a connection asks of the hub; keeps Connection free of stores and buses. */
export interface ConnectionHost {
  /** A gap was seen: fetch the missing range from the store, then replay `early`. */
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
  userSeq: number;
  topicSeq: number;
  /** Null until the response head is written: see `attach`. */
  sink: Sink | null;
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
  userSeq: number;
  topicSeq: number;
  /** False while catching up or repairing: live events wait in `early`. */
  live = false;
  early: Encoded[] = [];
  dirty = false;
  closed = false;
  private pending = '';
  private idPrefix = '';
  private readonly epoch: string;
  private sink: Sink | null;
  private readonly host: ConnectionHost;
  private readonly bufferLimit: number;

  constructor(init: ConnectionInit) {
    this.id = init.id;
    this.user = init.user;
    this.topics = init.topics;
    this.epoch = init.epoch;
    this.userSeq = init.userSeq;
    this.topicSeq = init.topicSeq;
    this.sink = init.sink;
    this.host = init.host;
    this.expiresAt = init.expiresAt;
    this.bufferLimit = init.bufferLimit;
    this.refreshPrefix();
  }

  /** The cursor of everything written so far. */
  cursor(): string {
    return `${this.idPrefix.slice(4)}${this.topicSeq.toString(36)}`;
  }

  offer(e: Encoded): void {
    if (this.closed) return;
    if (!this.live) {
      this.early.push(e);
      return;
    }
    if (e.kind === 'user') this.offerUser(e);
    else this.offerTopic(e);
  }

  private offerUser(e: EncodedUser): void {
    if (e.seq <= this.userSeq) return;
    if (e.seq !== this.userSeq + 1) {
      this.live = false;
      this.early.push(e);
      this.host.repair(this);
      return;
    }
    this.writeUser(e);
  }

  private offerTopic(e: EncodedTopic): void {
    if (e.seq <= this.topicSeq) return;
    this.writeTopic(e);
  }

  /** Writes a user event in order; the caller has checked the sequence. */
  writeUser(e: EncodedUser): void {
    this.userSeq = e.seq;
    this.refreshPrefix();
    this.enqueue(`${this.idPrefix}${this.topicSeq.toString(36)}\n${e.body}`);
    if (e.changesCounts) this.host.countsChanged(this);
  }

  writeTopic(e: EncodedTopic): void {
    this.topicSeq = e.seq;
    this.enqueue(`${this.idPrefix}${e.seq36}\n${e.body}`);
  }

  /** Writes an event that does not move the cursor (ready, counts, reset). */
  writeControl(event: string, data: unknown, withId = false): void {
    this.enqueue((withId ? encodeId(this.cursor()) : '') + encodeBody(event, JSON.stringify(data)));
  }

  /** Writes raw protocol text (heartbeat comments, retry). */
  writeRaw(text: string): void {
    this.enqueue(text);
  }

  /** Rebuilds the cached `id:` prefix; call after assigning `userSeq` directly (the start point). */
  refreshPrefix(): void {
    this.idPrefix = `id: ${this.epoch}.${this.userSeq.toString(36)}.`;
  }

  private enqueue(text: string): void {
    if (this.closed) return;
    this.pending += text;
    if (!this.dirty) {
      this.dirty = true;
      this.host.markDirty(this);
    }
  }

  /**
   * Gives the connection its sink once the stream is answered. Until then nothing is written, so
   * a failure while setting the stream up can still be a clean error response.
   */
  attach(sink: Sink): void {
    this.sink = sink;
    if (this.pending !== '' && !this.dirty) {
      this.dirty = true;
      this.host.markDirty(this);
    }
  }

  /** Writes the pending bytes in one write. A consumer that stopped reading is cut off. */
  flush(): void {
    this.dirty = false;
    if (this.closed || this.pending === '' || !this.sink) return;
    const chunk = this.pending;
    this.pending = '';
    this.sink.write(chunk);
    if (this.sink.bufferedBytes > this.bufferLimit) this.close('slow_consumer');
  }

  close(reason: CloseReason): void {
    if (this.closed) return;
    if (reason === 'slow_consumer') {
      this.closed = true;
      this.sink?.destroy();
    } else {
      this.flush();
      this.closed = true;
      this.sink?.end();
    }
    this.pending = '';
    this.early = [];
    this.host.closed(this, reason);
  }
}
