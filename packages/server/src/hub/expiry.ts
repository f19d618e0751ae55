/**
 * Closes each stream when its credential expires, within about a second, with one timer for all
 * of them. Streams are kept in buckets keyed by the second of their expiry; a tick sweeps every
 * bucket up to the current second, so a tick costs the streams that expire, not the streams that
 * are open.
 */

/** What the wheel needs of a connection. */
export interface Expiring {
  readonly expiresAt: number;
  close(reason: 'token_expired'): void;
}

/** Tick period: a stream is closed at most this long (plus timer lag) after its expiry. */
export const EXPIRY_TICK_MS = 500;

const secondOf = (ms: number) => Math.floor(ms / 1000);

export class ExpiryWheel<C extends Expiring = Expiring> {
  private readonly buckets = new Map<number, Set<C>>();
  /** Every bucket below this second is empty. */
  private lowest = Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly clock: () => number) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), EXPIRY_TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  add(conn: C): void {
    const s = secondOf(conn.expiresAt);
    let bucket = this.buckets.get(s);
    if (!bucket) this.buckets.set(s, (bucket = new Set()));
    bucket.add(conn);
    if (s < this.lowest) this.lowest = s;
  }

  remove(conn: C): void {
    const s = secondOf(conn.expiresAt);
    const bucket = this.buckets.get(s);
    if (!bucket?.delete(conn)) return;
    if (bucket.size === 0) this.buckets.delete(s);
  }

  /** Closes every stream whose expiry is at or before now. */
  tick(): void {
    const now = this.clock();
    const current = secondOf(now);
    if (this.lowest > current) return;
    // After a long pause (or a clock jump) there are fewer buckets than seconds to walk.
    const seconds = current - this.lowest >= this.buckets.size ? [...this.buckets.keys()].filter((s) => s <= current) : range(this.lowest, current);
    for (const s of seconds) {
      const bucket = this.buckets.get(s);
      if (!bucket) continue;
      // Closing removes the stream from its bucket; deleting the entry being visited is safe.
      for (const conn of bucket) if (conn.expiresAt <= now) conn.close('token_expired');
      // A past second's bucket held only expired streams: drop it even if a close did not.
      if (s < current) this.buckets.delete(s);
    }
    // Buckets below the current second are gone; `lowest` stays a lower bound of the keys.
    this.lowest = current;
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let s = from; s <= to; s++) out.push(s);
  return out;
}
