/**
 * The phases of a stream's resume state and the moves between them. Pure: `Connection` is the
 * only owner of a phase and asks `canMove` before every move, so a move the table does not allow
 * is a bug that fails loudly instead of a livelock.
 *
 * ```
 * opening ──begin──▶ catching_up ──goLive──▶ live ──gap──▶ repairing ──goLive──▶ live
 *                                   ▲          │
 *                                   └─resync───┘          (every phase ──close──▶ closed)
 * ```
 * - `opening`: subscribed to the bus, position not decided yet; live events wait.
 * - `catching_up`: replaying the user and topic logs from the store; live events wait.
 * - `live`: events are written as they come, in sequence; a gap moves to `repairing`.
 * - `repairing`: fetching a missing range of the user log; live events wait.
 * - `closed`: nothing is written any more.
 */
export type StreamPhase = 'opening' | 'catching_up' | 'live' | 'repairing' | 'closed';

const MOVES: Record<StreamPhase, readonly StreamPhase[]> = {
  opening: ['catching_up', 'closed'],
  catching_up: ['live', 'closed'],
  live: ['repairing', 'catching_up', 'closed'],
  repairing: ['live', 'closed'],
  closed: [],
};

/** Whether a stream in phase `from` may move to `to`. */
export function canMove(from: StreamPhase, to: StreamPhase): boolean {
  return MOVES[from].includes(to);
}

/** Phases in which the stream reads from the store and buffers what the bus brings. */
export function isReplaying(phase: StreamPhase): boolean {
  return phase === 'catching_up' || phase === 'repairing';
}
