/**
 * Token buckets keyed by a string (an API key id, an address). Pure apart from the injected clock.
 * Buckets that are full again are forgotten, so the map cannot grow without bound.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes `n` tokens; returns 0 when allowed, else the seconds to wait. */
  take(key: string, n = 1): number {
    const now = this.clock();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerS);
    b.at = now;
    if (b.tokens >= n) {
      b.tokens -= n;
      this.buckets.set(key, b);
      if (this.buckets.size > 10_000) this.sweep(now);
      return 0;
    }
    this.buckets.set(key, b);
    return Math.max(1, Math.ceil((n - b.tokens) / this.ratePerS));
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerS >= this.burst) this.buckets.delete(k);
    }
  }
}
