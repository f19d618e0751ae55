/**
 * The wall clock stepped back (an NTP correction, a VM resumed from a snapshot) must not lock
 * anyone out. Rate limits measure durations; a bucket that counted a step back of an hour as
 * minus an hour of refill answered 429 to that key (a publisher, a user's tickets, every new
 * stream) for an hour, and stopped forgetting idle keys until the clock caught up.
 */
import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../packages/server/src/http/token-bucket.ts';

const HOUR = 3600_000;

describe('a wall clock stepped back', () => {
  it('neither drains a rate-limit bucket nor stops forgetting idle keys', () => {
    let now = 1_800_000_000_000;
    const buckets = new TokenBuckets(2, 4, () => now);
    expect(buckets.take('publisher')).toBe(0);
    now -= HOUR; // the step back
    for (let i = 0; i < 3; i++) expect(buckets.take('publisher'), `take ${i} after the step`).toBe(0);
    expect(buckets.take('publisher')).toBeGreaterThan(0); // the burst is spent: limits still hold
    expect(buckets.take('publisher')).toBeLessThanOrEqual(1); // and the wait is the rate's, not an hour
    // Keys idle for a refill period are forgotten as before, whatever the clock did.
    for (let i = 0; i < 1000; i++) buckets.take(`user-${i}`);
    now += 5_000;
    buckets.take('late');
    expect(buckets.size).toBeLessThanOrEqual(2);
  });

  it('the default clock is monotonic, so production buckets never see a step', () => {
    const realNow = Date.now;
    let wall = realNow();
    Date.now = () => wall;
    try {
      const buckets = new TokenBuckets(1, 2);
      expect(buckets.take('k')).toBe(0);
      wall -= HOUR;
      expect(buckets.take('k')).toBe(0);
    } finally {
      Date.now = realNow;
    }
  });
});
