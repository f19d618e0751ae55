/**
 * Relative times for inbox items ("2 min ago"). Pure: the caller passes `now`, so the element can
 * refresh every label from one timer and tests need no fake clock.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Formats `then` relative to `now` (both epoch ms): "just now", "5 min ago", "3 h ago",
 * "yesterday", "4 days ago", then a date ("Mar 3", or "Mar 3, 2024" in another year).
 * A time slightly in the future (clock skew between server and browser) reads "just now".
 */
export function formatRelative(then: number, now: number): string {
  const diff = now - then;
  if (!Number.isFinite(diff)) return '';
  if (diff < 45_000) return 'just now';
  if (diff < HOUR) return `${Math.max(1, Math.round(diff / MINUTE))} min ago`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)} h ago`;
  const days = Math.floor(diff / DAY);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  const d = new Date(then);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return `${MONTHS[d.getMonth()]} ${d.getDate()}${sameYear ? '' : `, ${d.getFullYear()}`}`;
}

/** Parses an ISO-8601 wire time to epoch ms; NaN when absent or malformed. */
export function parseTime(iso: string | undefined): number {
  return iso === undefined ? NaN : Date.parse(iso);
}
