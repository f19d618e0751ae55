/**
 * One timer for every connection (no per-connection timers). The heartbeat interval is cut into
 * slots; each tick visits one slot, so heartbeats are spread evenly instead of landing on all
 * connections at once. A connection's slot is its id modulo the slot count (ids are sequential,
 * so slots fill evenly) and needs no lookup table.
 */
import { encodeComment } from '@herald/protocol';

const HEARTBEAT = encodeComment();
export const SLOTS = 16;

/** What the wheel needs of a connection. */
export interface Beating {
  readonly id: number;
  writeRaw(text: string): void;
}

export class HeartbeatWheel<C extends Beating = Beating> {
  private readonly slots: Set<C>[] = Array.from({ length: SLOTS }, () => new Set());
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(this.intervalMs / SLOTS)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  add(conn: C): void {
    this.slots[conn.id % SLOTS]!.add(conn);
  }

  remove(conn: C): void {
    this.slots[conn.id % SLOTS]!.delete(conn);
  }

  /** Visits one slot: sends a heartbeat comment to each of its connections. */
  tick(): void {
    const slot = this.slots[this.next]!;
    this.next = (this.next + 1) % SLOTS;
    for (const conn of slot) conn.writeRaw(HEARTBEAT);
  }
}
