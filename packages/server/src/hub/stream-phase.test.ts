import { describe, expect, it } from 'vitest';
import { canMove, isReplaying, type StreamPhase } from './stream-phase.ts';

const PHASES: StreamPhase[] = ['opening', 'catching_up', 'live', 'repairing', 'closed'];
const ALLOWED = new Set([
  'opening>catching_up',
  'opening>closed',
  'catching_up>live',
  'catching_up>closed',
  'live>repairing',
  'live>catching_up',
  'live>closed',
  'repairing>live',
  'repairing>closed',
]);

describe('stream phases', () => {
  const pairs = PHASES.flatMap((from) => PHASES.map((to) => [from, to, ALLOWED.has(`${from}>${to}`)] as const));
  it.each(pairs)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canMove(from, to)).toBe(allowed);
  });

  it.each(PHASES.map((p) => [p, p === 'catching_up' || p === 'repairing'] as const))('%s replays from the store: %s', (phase, replaying) => {
    expect(isReplaying(phase)).toBe(replaying);
  });
});
