/**
 * Coalescing: every event pending for one connection goes out in one write. Normally the flush
 * runs right after the current I/O phase; when the last flush was expensive (a large fan-out),
 * the next one waits about as long as that flush took (at most MAX_DELAY_MS), so a burst of
 * events costs one write per connection instead of one per event, and writing never takes more
 * than about half of the CPU away from accepting publishes.
 */

/** Upper bound of the coalescing delay under load; it bounds the latency it adds. */
export const MAX_DELAY_MS = 20;

/**
 * How long the next flush waits, given how long the last one took: 0 (right after this I/O phase)
 * when it was cheap, else about as long as it took, at most MAX_DELAY_MS.
 */
export function coalescingDelay(lastFlushMs: number): number {
  const delay = Math.min(MAX_DELAY_MS, Math.floor(lastFlushMs));
  return delay < 1 ? 0 : delay;
}

/** What the flusher needs of a connection. */
export interface Flushable {
  flush(): void;
}

export class Flusher<C extends Flushable = Flushable> {
  private readonly dirty: C[] = [];
  private scheduled = false;
  private lastFlushMs = 0;

  /** Queues a connection with pending bytes (once per flush: the connection tracks `dirty`). */
  add(conn: C): void {
    this.dirty.push(conn);
    if (this.scheduled) return;
    this.scheduled = true;
    const delay = coalescingDelay(this.lastFlushMs);
    if (delay === 0) setImmediate(this.flush);
    else setTimeout(this.flush, delay);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const started = performance.now();
    const batch = this.dirty.splice(0);
    for (const c of batch) c.flush();
    this.lastFlushMs = performance.now() - started;
  };
}
