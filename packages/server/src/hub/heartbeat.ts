/**
 * One timer for every connection (no per-connection timers). The heartbeat interval is cut into
 * slots; each tick visits one slot, so heartbeats and token-expiry checks are spread evenly
 * instead of landing on all connections at once.
 */
import { encodeComment } from '@herald/protocol';
import type { Connection } from './connection.ts';

const HEARTBEAT = encodeComment();
const SLOTS = 16;

export class HeartbeatWheel {
  private readonly slots: Set<Connection>[] = Array.from({ length: SLOTS }, () => new Set());
  private readonly slotOf = new Map<Connection, number>();
  private next = 0;
  private insertAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(this.intervalMs / SLOTS)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  add(conn: Connection): void {
    const slot = this.insertAt++ % SLOTS;
    this.slots[slot]!.add(conn);
    this.slotOf.set(conn, slot);
  }

  remove(conn: Connection): void {
    const slot = this.slotOf.get(conn);
    if (slot === undefined) return;
    this.slots[slot]!.delete(conn);
    this.slotOf.delete(conn);
  }

  /** Visits one slot: closes expired streams, sends a heartbeat comment to the others. */
  tick(): void {
    const slot = this.slots[this.next]!;
    this.next = (this.next + 1) % SLOTS;
    const now = this.clock();
    for (const conn of slot) {
      if (conn.expiresAt <= now) conn.close('token_expired');
      else conn.writeRaw(HEARTBEAT);
    }
  }
}
