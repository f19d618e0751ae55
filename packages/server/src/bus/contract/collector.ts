/** Test helpers for bus suites: record what a bus delivers and wait for it with a deadline. */
import { channelOf, type Bus, type BusHandlers, type BusMessage } from '../bus.ts';

export interface Collector extends BusHandlers {
  readonly messages: BusMessage[];
  resyncs: number;
  /** Messages received on one channel, in arrival order. */
  on(channel: string): BusMessage[];
}

export function collector(): Collector {
  const messages: BusMessage[] = [];
  const c: Collector = {
    messages,
    resyncs: 0,
    message: (msg) => void messages.push(msg),
    resync: () => void c.resyncs++,
    on: (channel) => messages.filter((m) => channelOf(m) === channel),
  };
  return c;
}

/** Polls `check` until it is true or `timeoutMs` passes; then fails with `what`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts each bus with its own collector. */
export async function startAll(buses: Bus[]): Promise<Collector[]> {
  const out: Collector[] = [];
  for (const bus of buses) {
    const c = collector();
    await bus.start(c);
    out.push(c);
  }
  return out;
}
