/**
 * The publisher and the checker of the cluster tests. The publisher publishes continuously over
 * every node and records each notification id that got a 2xx, per user. Each user is published
 * to by one lane only, one request at a time, so the acknowledged order of a user's notifications
 * is their commit order. The checker then holds every stream to DESIGN §2: each acknowledged
 * notification of its user exactly once and in that order.
 */
import { TEST_API_KEY } from './cluster-node.ts';
import type { ChaosStream } from './cluster-sse.ts';
import { sleep, until } from './cluster-wait.ts';

export interface PublisherOptions {
  /** Ports of the nodes, asked at each publish (a dead node simply refuses). */
  ports: () => number[];
  users: string[];
  /** Concurrent publish loops; each owns a disjoint slice of users. Default 4. */
  lanes?: number;
  /** Pause between two publishes of a lane. Default 20 ms. */
  intervalMs?: number;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Bytes of padding in `data`, for slow-consumer tests. Default 0. */
  padBytes?: number;
}

export interface Attempt {
  at: number;
  ms: number;
  /** HTTP status, or 0 for a network error or timeout. */
  status: number;
  code?: string;
}

export class Publisher {
  readonly acked = new Map<string, string[]>();
  readonly attempts: Attempt[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly o: Required<PublisherOptions>;

  constructor(o: PublisherOptions) {
    this.o = { lanes: 4, intervalMs: 20, timeoutMs: 10_000, padBytes: 0, ...o };
  }

  get ackedCount(): number {
    let n = 0;
    for (const ids of this.acked.values()) n += ids.length;
    return n;
  }

  /** Status counts of the attempts in [from, to). */
  statuses(from = 0, to = Infinity): Record<string, number> {
    const out: Record<string, number> = {};
    for (const a of this.attempts) if (a.at >= from && a.at < to) out[a.status] = (out[a.status] ?? 0) + 1;
    return out;
  }

  start(): void {
    this.running = true;
    const lanes = Math.min(this.o.lanes, this.o.users.length);
    for (let lane = 0; lane < lanes; lane++) {
      const slice = this.o.users.filter((_, i) => i % lanes === lane);
      this.loops.push(this.loop(slice, lane));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Publishes `count` times now (outside the loops), for phases that need a known amount. */
  async burst(count: number): Promise<void> {
    const lanes = Math.min(this.o.lanes, this.o.users.length);
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        const slice = this.o.users.filter((_, i) => i % lanes === lane);
        for (let k = lane; k < count; k += lanes) await this.publishOnce(slice, k);
      }),
    );
  }

  private async loop(slice: string[], lane: number): Promise<void> {
    let k = lane;
    while (this.running) {
      await this.publishOnce(slice, k++);
      await sleep(this.o.intervalMs);
    }
  }

  private async publishOnce(slice: string[], k: number): Promise<void> {
    const ports = this.o.ports();
    const port = ports[k % ports.length]!;
    // Every fifth publish names two users: fan-out on write must hold the same guarantee.
    const recipients = k % 5 === 0 && slice.length > 1 ? [slice[k % slice.length]!, slice[(k + 1) % slice.length]!] : [slice[k % slice.length]!];
    const started = Date.now();
    const attempt: Attempt = { at: started, ms: 0, status: 0 };
    try {
      const r = await fetch(`http://127.0.0.1:${port}/v1/notifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ recipients, title: `n${k}`, data: this.o.padBytes > 0 ? { pad: 'x'.repeat(this.o.padBytes) } : { k } }),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      attempt.status = r.status;
      const body = (await r.json()) as { notifications?: { id: string; recipient: string }[]; error?: { code: string } };
      if (r.status >= 200 && r.status < 300) {
        for (const n of body.notifications ?? []) {
          let list = this.acked.get(n.recipient);
          if (!list) this.acked.set(n.recipient, (list = []));
          list.push(n.id);
        }
      } else {
        attempt.code = body.error?.code;
      }
    } catch (err) {
      attempt.code = (err as Error).name;
    }
    attempt.ms = Date.now() - started;
    this.attempts.push(attempt);
  }
}

/** Waits until every stream holds every acknowledged notification of its user. */
export async function waitForDelivery(streams: ChaosStream[], acked: Map<string, string[]>, timeoutMs = 60_000): Promise<void> {
  await until(
    'every stream to receive every acknowledged notification',
    () => streams.every((s) => (acked.get(s.user) ?? []).every((id) => s.has(id))),
    timeoutMs,
    100,
  ).catch((err: Error) => {
    const late = streams.filter((s) => !(acked.get(s.user) ?? []).every((id) => s.has(id)));
    const sample = late.slice(0, 3).map((s) => `${s.user}@${s.port} open=${s.open} missing=${(acked.get(s.user) ?? []).filter((id) => !s.has(id)).length}`);
    throw new Error(`${err.message}: ${late.length} streams incomplete, e.g. ${sample.join('; ')}`);
  });
}

/**
 * DESIGN §2 for every stream: the acknowledged notifications of its user, exactly once and in
 * acknowledged order; no duplicate of anything; no reset. Returns the problems (empty = pass).
 * Ids that were never acknowledged (a publish that failed after its commit) may appear, once.
 */
export function checkDelivery(streams: ChaosStream[], acked: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const s of streams) {
    const want = acked.get(s.user) ?? [];
    const wanted = new Set(want);
    const got = s.received.filter((id) => wanted.has(id));
    if (s.duplicates > 0) problems.push(`${s.user}: ${s.duplicates} duplicates`);
    if (s.resets > 0) problems.push(`${s.user}: ${s.resets} reset events`);
    if (got.length !== want.length || got.some((id, i) => id !== want[i])) {
      const missing = want.filter((id) => !s.has(id)).length;
      const firstOff = got.findIndex((id, i) => id !== want[i]);
      problems.push(`${s.user}: got ${got.length}/${want.length} acknowledged, ${missing} missing, first out of order at ${firstOff}`);
    }
  }
  return problems;
}

/** Median and max of a list of ms, for the report. */
export function summary(values: number[]): { n: number; median: number; p95: number; max: number } {
  if (values.length === 0) return { n: 0, median: 0, p95: 0, max: 0 };
  const v = [...values].sort((a, b) => a - b);
  return { n: v.length, median: v[Math.floor(v.length / 2)]!, p95: v[Math.floor(v.length * 0.95)]!, max: v[v.length - 1]! };
}
