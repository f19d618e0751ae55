import { describe, expect, it } from 'vitest';
import { Probe } from './probe.ts';

describe('Probe', () => {
  it('starves when a probe is not back within the timeout, once', () => {
    const p = new Probe(3000);
    p.send(0);
    expect(p.check(2999)).toBe(false);
    expect(p.check(3000)).toBe(true);
    expect(p.starved).toBe(true);
    expect(p.check(5000)).toBe(false);
  });

  it('stays healthy while probes come back', () => {
    const p = new Probe(3000);
    for (let t = 0; t < 20_000; t += 1000) {
      const seq = p.send(t);
      expect(p.check(t)).toBe(false);
      p.received(seq);
    }
    expect(p.check(100_000)).toBe(false);
  });

  it('recovers on the first probe back, and reports the recovery once', () => {
    const p = new Probe(1000);
    p.send(0);
    const second = p.send(500);
    expect(p.check(1000)).toBe(true);
    expect(p.received(second)).toBe(true);
    expect(p.starved).toBe(false);
    expect(p.received(second)).toBe(false);
    // The first probe was lost, not late: it no longer counts.
    expect(p.check(10_000)).toBe(false);
  });

  it('still detects starvation after dropping old probes', () => {
    const p = new Probe(1000);
    for (let t = 0; t < 500; t++) p.send(t);
    expect(p.check(1400)).toBe(true);
  });

  it('forgets probes on reset', () => {
    const p = new Probe(1000);
    p.send(0);
    p.check(2000);
    p.reset();
    expect(p.starved).toBe(false);
    expect(p.check(5000)).toBe(false);
  });
});
