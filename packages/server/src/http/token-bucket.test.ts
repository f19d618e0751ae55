import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-bucket.ts';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('TokenBuckets', () => {
  it('allows a burst, then answers the seconds to wait, then refills at the rate', () => {
    const c = manualClock();
    const b = new TokenBuckets(2, 3, c.now);
    expect([b.take('k'), b.take('k'), b.take('k')]).toEqual([0, 0, 0]);
    expect(b.take('k')).toBe(1);
    c.advance(500);
    expect(b.take('k')).toBe(0);
    expect(b.take('other')).toBe(0);
  });

  it('a bucket idle for a whole refill is forgotten on the next take, however few buckets there are', () => {
    const c = manualClock();
    const b = new TokenBuckets(10, 20, c.now);
    for (let i = 0; i < 100; i++) b.take(`k${i}`);
    expect(b.size).toBe(100);
    c.advance(2_000); // 20 tokens at 10 per second: every bucket is full again
    b.take('late');
    expect(b.size).toBe(1);
  });

  it('a bucket used within its refill is kept: waiting less than the refill never resets a limit', () => {
    const c = manualClock();
    const b = new TokenBuckets(1, 2, c.now);
    b.take('a');
    b.take('a');
    c.advance(1_500);
    b.take('b');
    expect(b.take('a')).toBe(0); // 1.5 tokens refilled
    expect(b.take('a')).toBe(1); // 0.5 left: not a fresh bucket
  });

  it('many distinct keys at once: only the keys of the last refill period are kept', () => {
    const c = manualClock();
    const b = new TokenBuckets(5, 10, c.now);
    for (let i = 0; i < 20_000; i++) b.take(`ip-${i}`);
    expect(b.size).toBe(20_000);
    c.advance(2_000);
    for (let i = 0; i < 10; i++) b.take(`next-${i}`);
    expect(b.size).toBe(10);
  });
});
