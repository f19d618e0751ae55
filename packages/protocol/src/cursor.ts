/**
 * The stream cursor, carried in the SSE `id:` field and sent back as `Last-Event-ID`.
 * Opaque to clients. It holds the store's epoch (so a cursor from another database or a wiped
 * store is detected), the last user-log sequence and the last topic-log sequence delivered.
 * Format: `<epoch>.<user seq base36>.<topic seq base36>`. Sequences, never wall-clock time.
 */
export interface Cursor {
  epoch: string;
  user: number;
  topic: number;
}

const EPOCH = /^[0-9a-z]{1,32}$/;
const SEQ = /^[0-9a-z]{1,11}$/;

export function formatCursor(c: Cursor): string {
  return `${c.epoch}.${c.user.toString(36)}.${c.topic.toString(36)}`;
}

/** Parses a cursor; `null` when it is malformed (the caller answers `invalid_cursor`). */
export function parseCursor(text: string): Cursor | null {
  if (text.length > 64) return null;
  const parts = text.split('.');
  if (parts.length !== 3) return null;
  const [epoch, user, topic] = parts as [string, string, string];
  if (!EPOCH.test(epoch) || !SEQ.test(user) || !SEQ.test(topic)) return null;
  const u = parseInt(user, 36);
  const t = parseInt(topic, 36);
  if (!Number.isSafeInteger(u) || !Number.isSafeInteger(t)) return null;
  return { epoch, user: u, topic: t };
}
