/**
 * Replays what a stream missed from the store, page by page, in sequence order. The decisions
 * are `catch-up-plan.ts`; this file does the reads and asks the connection to write or to skip.
 */
import type { LogPosition, Store } from '../store/store.ts';
import { nextStep, takeRun } from './catch-up-plan.ts';
import type { Connection } from './connection.ts';
import { encodeTopicEvent, encodeUserEvent } from './encoded.ts';

const PAGE = 500;

export interface CatchUpOptions {
  /** Re-read the topic log too (a new stream, a resync); a gap repair reads only the user log. */
  withTopics: boolean;
  /** The user log's position if the caller has just read it; else it is read first. */
  position?: LogPosition;
}

export class StreamCatchUp {
  constructor(private readonly store: Store) {}

  /**
   * Brings the connection up to the user log's end (and the topic log's, when asked). Returns how
   * many user events were replayed (the hub follows a replay with fresh counts) and whether the
   * stream was told to `reset`.
   *
   * Terminates: each read either writes at least one event or finds a hole, and after a hole the
   * next step is `done` or `reset`.
   */
  async run(conn: Connection, o: CatchUpOptions): Promise<{ replayed: number; reset: boolean }> {
    let pos = o.position ?? (await this.store.userPosition(conn.user));
    let replayed = 0;
    let sawHole = false;
    let reset = false;
    const mustReach = conn.mustReach();
    for (;;) {
      if (conn.closed) return { replayed, reset };
      const step = nextStep(conn.userSeq, pos, mustReach, sawHole);
      if (step.do === 'done') break;
      if (step.do === 'reset') {
        conn.skipTo(step.to, 'retention');
        reset = true;
        break;
      }
      const page = await this.store.userEventsSince(conn.user, step.after, PAGE);
      if (conn.closed) return { replayed, reset };
      const { run, hole } = takeRun(step.after, page, PAGE, Math.max(pos.last, mustReach));
      for (const e of run) conn.replayUser(encodeUserEvent(e));
      replayed += run.length;
      if (hole) {
        // Retention removed part of the range since `pos` was read: skip to where the log is now.
        sawHole = true;
        pos = await this.store.userPosition(conn.user);
      }
    }
    while (o.withTopics) {
      const page = await this.store.topicEventsSince(conn.topicSeq, conn.topics, PAGE);
      if (conn.closed) break;
      // Topic events are ephemeral and filtered by topic, so holes are normal: nothing to repair.
      for (const e of page) conn.replayTopic(encodeTopicEvent(e));
      if (page.length < PAGE) break;
    }
    return { replayed, reset };
  }
}
