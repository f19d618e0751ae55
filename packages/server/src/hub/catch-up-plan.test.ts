import { describe, expect, it } from 'vitest';
import { nextStep, takeRun, type CatchUpStep } from './catch-up-plan.ts';

describe('nextStep', () => {
  const cases: [string, number, { last: number; trimmed: number }, number, boolean, CatchUpStep][] = [
    ['at the end of the log: done', 10, { last: 10, trimmed: 0 }, 0, false, { do: 'done' }],
    ['past the end (read events committed later): done', 12, { last: 10, trimmed: 0 }, 0, false, { do: 'done' }],
    ['behind, range kept: read after the stream', 4, { last: 10, trimmed: 4 }, 0, false, { do: 'read', after: 4 }],
    ['behind, range trimmed: reset to the end', 3, { last: 10, trimmed: 4 }, 0, false, { do: 'reset', to: 10 }],
    ['a hole was met: reset, never read the range again', 6, { last: 10, trimmed: 0 }, 0, true, { do: 'reset', to: 10 }],
    ['a hole was met but the stream is at the end: done', 10, { last: 10, trimmed: 8 }, 0, true, { do: 'done' }],
    ['a waiting event past the log (two stores on one bus): reach it by reset', 10, { last: 10, trimmed: 0 }, 14, true, { do: 'reset', to: 14 }],
    ['a waiting event within the log changes nothing', 4, { last: 10, trimmed: 0 }, 7, false, { do: 'read', after: 4 }],
    ['an empty log: done', 0, { last: 0, trimmed: 0 }, 0, false, { do: 'done' }],
  ];
  it.each(cases)('%s', (_name, userSeq, pos, mustReach, sawHole, want) => {
    expect(nextStep(userSeq, pos, mustReach, sawHole)).toEqual(want);
  });
});

describe('takeRun', () => {
  const seqs = (...s: number[]) => s.map((seq) => ({ seq }));
  const cases: [string, number, number[], number, number, { run: number[]; hole: boolean }][] = [
    ['a full contiguous page: all of it, read on', 4, [5, 6, 7], 3, 100, { run: [5, 6, 7], hole: false }],
    ['a short page reaching the target: all of it, no hole', 4, [5, 6], 3, 6, { run: [5, 6], hole: false }],
    ['a short page past the target (committed since): all of it', 4, [5, 6, 7], 5, 6, { run: [5, 6, 7], hole: false }],
    ['the first event is past a hole: nothing, hole', 4, [9, 10], 3, 10, { run: [], hole: true }],
    ['a hole inside the page: the run before it, hole', 4, [5, 6, 9], 3, 10, { run: [5, 6], hole: true }],
    ['an empty page below the target: hole (trimmed to the end)', 4, [], 3, 10, { run: [], hole: true }],
    ['an empty page at the target: no hole', 4, [], 3, 4, { run: [], hole: false }],
    ['a short page ending below the target: hole', 4, [5], 3, 10, { run: [5], hole: true }],
    ['events at or below `after` are skipped', 4, [3, 4, 5], 3, 5, { run: [5], hole: false }],
  ];
  it.each(cases)('%s', (_name, after, page, pageSize, target, want) => {
    const got = takeRun(after, seqs(...page), pageSize, target);
    expect({ run: got.run.map((e) => e.seq), hole: got.hole }).toEqual(want);
  });
});
