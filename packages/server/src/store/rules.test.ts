import { describe, expect, it } from 'vitest';
import { DuplicateIdError } from './errors.ts';
import { planPublish, trimPoint, type Slot } from './rules.ts';
import type { NewNotification, StoredNotification } from './store.ts';

describe('trimPoint', () => {
  const log = (times: number[], first = 1) => times.map((at, i) => ({ seq: first + i, at }));
  const INF = Number.POSITIVE_INFINITY;
  const cases: [string, { last: number; trimmed: number }, { seq: number; at: number }[], number, number, number][] = [
    ['nothing to trim', { last: 3, trimmed: 0 }, log([10, 20, 30]), 10, 0, 0],
    ['count keeps the newest N', { last: 10, trimmed: 0 }, log([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 3, -INF, 7],
    ['count 0 trims everything', { last: 4, trimmed: 0 }, log([1, 2, 3, 4]), 0, -INF, 4],
    ['a negative count counts as 0', { last: 4, trimmed: 0 }, log([1, 2, 3, 4]), -5, -INF, 4],
    ['age drops the leading run older than the cutoff', { last: 5, trimmed: 0 }, log([1, 2, 50, 3, 60]), INF, 10, 2],
    ['an event exactly at the cutoff is kept', { last: 3, trimmed: 0 }, log([9, 10, 11]), INF, 10, 1],
    ['age with every event old trims to last', { last: 3, trimmed: 0 }, log([1, 2, 3]), INF, 100, 3],
    ['the stricter of count and age wins', { last: 5, trimmed: 0 }, log([1, 50, 60, 70, 80]), 2, 10, 3],
    ['never goes back below what was trimmed', { last: 10, trimmed: 8 }, log([1, 2], 9), 5, -INF, 8],
    ['remaining starts after trimmed', { last: 10, trimmed: 6 }, log([1, 2, 50, 60], 7), INF, 10, 8],
    ['non-finite limits disable both rules', { last: 3, trimmed: 1 }, log([1, 2], 2), INF, -INF, 1],
    ['an empty log stays put', { last: 0, trimmed: 0 }, [], 5, 10, 0],
  ];
  it.each(cases)('%s', (_name, pos, remaining, maxCount, cutoff, want) => {
    expect(trimPoint(pos, remaining, maxCount, cutoff)).toBe(want);
  });
});

describe('planPublish', () => {
  const item = (id: string, recipient: string, dedupeKey?: string): NewNotification => ({ id, recipient, title: id, severity: 'info', ...(dedupeKey ? { dedupeKey } : {}) });
  const stored = (id: string, recipient: string): StoredNotification => ({ id, recipient, title: id, severity: 'info', seq: 1, createdAt: 0 });
  const earlier = new Map([['bob\u0000k1', stored('old', 'bob')]]);
  const find = (r: string, k: string) => earlier.get(`${r}\u0000${k}`);
  const slotsOf = (slots: Slot[]) => slots.map((s) => ('existing' in s ? `existing:${s.existing.id}` : `fresh:${s.fresh}${s.repeat ? ':repeat' : ''}`));

  const cases: [string, NewNotification[], string[], string[]][] = [
    ['distinct items are all fresh, in order', [item('a', 'alice'), item('b', 'bob')], ['a', 'b'], ['fresh:0', 'fresh:1']],
    ['a stored dedupe key resolves to the stored notification', [item('a', 'bob', 'k1')], [], ['existing:old']],
    ['the same key for another recipient is fresh', [item('a', 'alice', 'k1')], ['a'], ['fresh:0']],
    ['a repeat within the batch resolves to its first copy, without an event', [item('a', 'alice', 'k'), item('b', 'alice', 'k')], ['a'], ['fresh:0', 'fresh:0:repeat']],
    ['no key: never deduplicated', [item('a', 'alice'), item('b', 'alice')], ['a', 'b'], ['fresh:0', 'fresh:1']],
    ['mixed', [item('a', 'bob', 'k1'), item('b', 'alice', 'k2'), item('c', 'alice', 'k2'), item('d', 'carol')], ['b', 'd'], ['existing:old', 'fresh:0', 'fresh:0:repeat', 'fresh:1']],
  ];
  it.each(cases)('%s', (_name, items, fresh, slots) => {
    const plan = planPublish(items, find);
    expect(plan.fresh.map((i) => i.id)).toEqual(fresh);
    expect(slotsOf(plan.slots)).toEqual(slots);
  });

  it('two fresh items with one id throw DuplicateIdError', () => {
    expect(() => planPublish([item('x', 'alice'), item('x', 'bob')], find)).toThrow(DuplicateIdError);
  });

  it('a repeated id that resolves to an earlier copy is not a duplicate', () => {
    expect(planPublish([item('x', 'alice', 'k'), item('x', 'alice', 'k')], find).fresh).toHaveLength(1);
  });
});
