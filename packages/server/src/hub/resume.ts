/**
 * Where a stream starts. Pure: given the client's cursor text and the logs' positions, decide the
 * starting sequences and whether the client must be told to `reset` (DESIGN §2).
 */
import { parseCursor, type ResetData } from '@herald/protocol';
import type { LogPosition } from '../store/store.ts';

export interface StartPoint {
  userSeq: number;
  topicSeq: number;
  /** Set when the cursor cannot be honoured; the stream starts from now and says `reset`. */
  reset?: ResetData['reason'];
  /** True when the stream replays what the cursor missed. */
  resumed: boolean;
}

export function decideStart(
  cursorText: string | undefined,
  epoch: string,
  user: LogPosition,
  topic: LogPosition,
): StartPoint {
  const now = { userSeq: user.last, topicSeq: topic.last, resumed: false };
  if (cursorText === undefined || cursorText === '') return now;
  const c = parseCursor(cursorText);
  if (!c) return { ...now, reset: 'cursor' };
  if (c.epoch !== epoch) return { ...now, reset: 'epoch' };
  // A cursor ahead of the log comes from another database that reused the epoch; never trust it.
  if (c.user > user.last || c.topic > topic.last) return { ...now, reset: 'cursor' };
  if (c.user < user.trimmed) return { ...now, reset: 'retention' };
  // Topic events are ephemeral: a topic cursor past retention only loses topic events, which a
  // reset could not bring back either, so it resumes from what is left.
  return { userSeq: c.user, topicSeq: Math.max(c.topic, topic.trimmed), resumed: true };
}
