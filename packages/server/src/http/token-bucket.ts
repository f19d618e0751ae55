/**
 * Token buckets keyed by a string (an API key id, a user). Pure apart from the injected clock.
 *
 * The map holds only keys used within the last refill period (`burst / rate` seconds): a bucket
 * untouched that long is full again, so forgetting it changes no answer. The map is kept in
 * order of last use (a take re-inserts its key), so forgetting stops at the first bucket still
 * refilling and each take costs O(1) amortized, however many distinct keys a client invents.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly refillMs: number;
  /** The latest time seen: a clock that goes back from it stepped, and the buckets follow it. */
  private latest = -Infinity;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    // Monotonic by default: limits measure durations, and a wall clock stepped back an hour (NTP,
    // a resumed VM) would otherwise count as minus an hour of refill, a 429 for an hour.
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.refillMs = (burst / ratePerS) * 1000;
  }

  /** Buckets remembered now (each used within the last refill period). */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes `n` tokens; returns 0 when allowed, else the seconds to wait. */
  take(key: string, n = 1): number {
    const now = this.clock();
    if (now < this.latest) this.stepBack(this.latest - now);
    this.latest = now;
    this.forgetFull(now);
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerS);
    b.at = now;
    // Re-inserted: the map stays in order of last use.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (b.tokens >= n) {
      b.tokens -= n;
      return 0;
    }
    return Math.max(1, Math.ceil((n - b.tokens) / this.ratePerS));
  }

  /** The injected clock went back: move every bucket with it, so idle times are kept, not negated. O(n), once per step. */
  private stepBack(ms: number): void {
    for (const b of this.buckets.values()) b.at -= ms;
  }

  /** Drops the least recently used buckets while they have been idle for a whole refill. */
  private forgetFull(now: number): void {
    for (const [key, b] of this.buckets) {
      if (now - b.at < this.refillMs) return;
      this.buckets.delete(key);
    }
  }
}
