import { describe, expect, it } from 'vitest';
import { backoff } from './backoff.ts';

describe('backoff', () => {
  it('is the minimum on the first attempt and when random is 0', () => {
    expect(backoff(0, 1000, 30_000, () => 0.99)).toBe(1000);
    expect(backoff(5, 1000, 30_000, () => 0)).toBe(1000);
  });

  it('grows exponentially up to the ceiling', () => {
    const top = (n: number) => backoff(n, 1000, 30_000, () => 0.999999);
    expect(top(1)).toBe(1999);
    expect(top(2)).toBe(3999);
    expect(top(3)).toBe(7999);
    expect(top(10)).toBe(29_999);
    expect(top(1000)).toBe(29_999);
  });

  it('spreads uniformly between min and the cap (full jitter)', () => {
    expect(backoff(2, 1000, 30_000, () => 0.5)).toBe(2500);
  });

  it('honors a server retry above the configured ceiling', () => {
    expect(backoff(0, 60_000, 30_000, () => 0.7)).toBe(60_000);
    expect(backoff(4, 60_000, 30_000, () => 0.7)).toBe(60_000);
  });

  it('stays within [min, max] for any input', () => {
    for (let a = 0; a < 50; a++) {
      const d = backoff(a, 250, 10_000);
      expect(d).toBeGreaterThanOrEqual(250);
      expect(d).toBeLessThanOrEqual(10_000);
    }
  });
});
