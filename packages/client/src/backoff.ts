/**
 * Full-jitter exponential backoff (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * the delay is uniform in [min, min(max, min·2^attempt)], so a crowd of clients that lost the
 * same server spreads its reconnects instead of stampeding. Pure: the random source is injected.
 *
 * @param attempt 0 for the first retry after a failure.
 * @param minMs the floor: pass the server's `retry:` here when it sent one, so it is honored.
 * @param maxMs the ceiling; raised to `minMs` when below it.
 * @param random a source in [0, 1); defaults to `Math.random`.
 */
export function backoff(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const max = Math.max(minMs, maxMs);
  const span = Math.min(max, minMs * 2 ** Math.min(attempt, 30)) - minMs;
  return Math.min(max, Math.floor(minMs + random() * span));
}
