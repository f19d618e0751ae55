import { describe, expect, it } from 'vitest';
import { Flusher, MAX_DELAY_MS, coalescingDelay } from './flusher.ts';

describe('coalescingDelay', () => {
  const cases: [number, number][] = [
    [0, 0],
    [0.9, 0],
    [1, 1],
    [7.6, 7],
    [MAX_DELAY_MS, MAX_DELAY_MS],
    [500, MAX_DELAY_MS],
  ];
  it.each(cases)('after a flush of %s ms the next waits %s ms', (last, want) => {
    expect(coalescingDelay(last)).toBe(want);
  });
});

describe('Flusher', () => {
  const conn = (log: string[], name: string, onFlush?: () => void) => ({ flush: () => (log.push(name), onFlush?.()) });
  const immediate = () => new Promise((r) => setImmediate(r));

  it('flushes every queued connection once, in the order queued, after the current phase', async () => {
    const log: string[] = [];
    const f = new Flusher();
    f.add(conn(log, 'a'));
    f.add(conn(log, 'b'));
    expect(log).toEqual([]);
    await immediate();
    expect(log).toEqual(['a', 'b']);
  });

  it('a connection queued during a flush goes out in the next one', async () => {
    const log: string[] = [];
    const f = new Flusher();
    const late = conn(log, 'late');
    f.add(conn(log, 'first', () => f.add(late)));
    await immediate();
    expect(log).toEqual(['first']);
    await new Promise((r) => setTimeout(r, MAX_DELAY_MS + 5));
    expect(log).toEqual(['first', 'late']);
  });
});
