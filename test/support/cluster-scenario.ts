/**
 * The skeleton every chaos case shares: open streams for fresh users spread over the nodes, wait
 * until all are live, publish continuously while the case does its damage, then wait for
 * delivery and run the checker.
 */
import { signDevToken } from '../../packages/server/src/auth/index.ts';
import { TEST_SECRET } from './cluster-node.ts';
import { ChaosStream, type ChaosStreamOptions } from './cluster-sse.ts';
import { Publisher, checkDelivery, summary, waitForDelivery, type PublisherOptions } from './cluster-traffic.ts';
import { until } from './cluster-wait.ts';

export interface ScenarioOptions {
  /** User ids are `<prefix>-<n>`; each case uses its own prefix, so cases never mix. */
  prefix: string;
  users: number;
  streamsPerUser: number;
  ports: () => number[];
  publisher?: Partial<PublisherOptions>;
  stream?: Partial<ChaosStreamOptions>;
  /** How long to wait for all streams to be live. Default 60 s. */
  openTimeoutMs?: number;
}

export interface ScenarioResult {
  streams: number;
  acked: number;
  publishes: Record<string, number>;
  resume: ReturnType<typeof summary>;
  problems: string[];
}

export class Scenario {
  readonly users: string[];
  readonly streams: ChaosStream[] = [];
  readonly publisher: Publisher;
  private readonly o: ScenarioOptions;

  constructor(o: ScenarioOptions) {
    this.o = o;
    this.users = Array.from({ length: o.users }, (_, i) => `${o.prefix}-${i}`);
    this.publisher = new Publisher({ ports: o.ports, users: this.users, ...o.publisher });
  }

  /** Opens every stream at once (user i's streams on nodes i, i+1, …) and waits until all are live. */
  async open(): Promise<void> {
    const tokens = await Promise.all(this.users.map((sub) => signDevToken({ secret: TEST_SECRET, sub, ttlS: 3600 })));
    let n = 0;
    this.users.forEach((user, u) => {
      for (let k = 0; k < this.o.streamsPerUser; k++) {
        this.streams.push(new ChaosStream({ user, token: tokens[u]!, ports: this.o.ports, first: n++, ...this.o.stream }));
      }
    });
    for (const s of this.streams) s.connect();
    await until(`${this.streams.length} streams to be live`, () => this.streams.every((s) => s.readies > 0), this.o.openTimeoutMs ?? 60_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}: ${this.describe()}`);
    });
  }

  /** Stops publishing, waits until every acknowledged notification arrived, checks, closes. */
  async finish(timeoutMs = 60_000): Promise<ScenarioResult> {
    await this.publisher.stop();
    try {
      await waitForDelivery(this.streams, this.publisher.acked, timeoutMs);
    } catch (err) {
      // The checker's details say more than the timeout.
      const problems = checkDelivery(this.streams, this.publisher.acked);
      throw new Error(`${(err as Error).message}\n${problems.slice(0, 10).join('\n')}`);
    }
    return {
      streams: this.streams.length,
      acked: this.publisher.ackedCount,
      publishes: this.publisher.statuses(),
      resume: summary(this.streams.flatMap((s) => s.resumeTimes)),
      problems: checkDelivery(this.streams, this.publisher.acked),
    };
  }

  /** A one-line picture of the streams, for failure messages: how many are live, refusals, attempts. */
  describe(): string {
    const refusals: Record<number, number> = {};
    let live = 0;
    let attempts = 0;
    const readies: Record<number, number> = {};
    for (const x of this.streams) {
      if (x.open) live++;
      attempts += x.attempts;
      readies[x.readies] = (readies[x.readies] ?? 0) + 1;
      x.refusals.forEach((v, k) => (refusals[k] = (refusals[k] ?? 0) + v));
    }
    return `${this.streams.length} streams, ${live} live, ${attempts} attempts, readies ${JSON.stringify(readies)}, refusals ${JSON.stringify(refusals)}`;
  }

  close(): void {
    for (const s of this.streams) s.stop();
  }
}
