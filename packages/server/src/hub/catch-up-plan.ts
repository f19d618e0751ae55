/**
 * The decisions of a catch-up, without I/O: what to do next given where the stream is and where
 * the user log is, and which part of a page read from the store the stream can write.
 *
 * The user log is gap-free (store invariant), so the only way a read can skip a sequence is that
 * retention removed it. A catch-up that meets such a hole never reads the same range again: it
 * tells the client `reset` and continues from the log's current end (DESIGN §2).
 */
import type { LogPosition } from '../store/store.ts';

export type CatchUpStep =
  /** The stream is at (or past) the target: go live. */
  | { do: 'done' }
  /** Read the next page of events after `after`. */
  | { do: 'read'; after: number }
  /** The range up to `to` cannot be replayed: send `reset` and continue from `to`. */
  | { do: 'reset'; to: number };

/**
 * The next step of a catch-up.
 * @param userSeq the last user seq the stream wrote.
 * @param pos the user log's position, as last read.
 * @param mustReach a seq the stream must reach whatever `pos` says: one below the first event
 *   waiting in the stream's buffer. Under the store invariants `pos.last` is never below it; when
 *   it is anyway (two stores on one bus), skipping is the only way that cannot loop.
 * @param sawHole a read already met a hole: never read again, reset.
 */
export function nextStep(userSeq: number, pos: LogPosition, mustReach: number, sawHole: boolean): CatchUpStep {
  const target = Math.max(pos.last, mustReach);
  if (userSeq >= target) return { do: 'done' };
  if (sawHole || pos.trimmed > userSeq) return { do: 'reset', to: target };
  return { do: 'read', after: userSeq };
}

/**
 * The leading run of `page` that continues `after` with no hole (events at or below `after` are
 * skipped), and whether the page shows a hole: a sequence missing inside it, or a short page that
 * ends below `target` (the rest was removed between the position read and this read).
 */
export function takeRun<E extends { seq: number }>(after: number, page: readonly E[], pageSize: number, target: number): { run: E[]; hole: boolean } {
  const run: E[] = [];
  let seq = after;
  for (const e of page) {
    if (e.seq <= seq) continue;
    if (e.seq !== seq + 1) return { run, hole: true };
    run.push(e);
    seq = e.seq;
  }
  return { run, hole: page.length < pageSize && seq < target };
}
