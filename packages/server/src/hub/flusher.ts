/**
 * Coalescing: every event pending for one connection goes out in one write. Normally the flush
 * runs right after the current I/O phase; when the last flush was expensive (a large fan-out),
 * the next one waits about as long as that flush took (at most MAX_DELAY_MS), so a burst of
 * events costs one write per connection instead of one per event, and writing never takes more
 * than about half of the CPU away from accepting publishes.
 */
import type { Connection } from './connection.ts';

/** Upper bound of the coalescing delay under load; it bounds the latency it adds. */
const MAX_DELAY_MS = 20;

export class Flusher {
  private readonly dirty: Connection[] = [];
  private scheduled = false;
  private lastFlushMs = 0;

  /** Queues a connection with pending bytes (once per flush: the connection tracks `dirty`). */
  add(conn: Connection): void {
    this.dirty.push(conn);
    if (this.scheduled) return;
    this.scheduled = true;
    const delay = Math.min(MAX_DELAY_MS, Math.floor(this.lastFlushMs));
    if (delay < 1) setImmediate(this.flush);
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
