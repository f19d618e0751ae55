/**
 * The frame every raw-socket hostile case runs in: one real `herald serve`, a bystander stream
 * opened before the first case, and the process's descriptor count as its baseline. Each case
 * ends with `expectUnharmed()`: the process is alive, the bystander still receives a freshly
 * published notification, and the descriptors return to the baseline (a leaked socket is a
 * leaked descriptor).
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { signToken } from '../../e2e/support/api.ts';
import { cleanup, startHerald, TEST_API_KEY, type HeraldProcess } from '../../e2e/support/herald-process.ts';
import { openRawStream, type RawStream } from '../../e2e/support/raw-stream.ts';
import { waitFor } from '../../e2e/support/wait.ts';
import { connectRaw, fdCount, type RawConnection } from './raw-http.ts';

export interface HostileHarness {
  /** The server under attack (set once the suite's `beforeAll` ran). */
  readonly herald: HeraldProcess;
  /** A raw connection, destroyed after the case. */
  open(): Promise<RawConnection>;
  /**
   * A publish over its own connection (no keep-alive agent), so the test's own traffic leaves
   * no idle socket in the server to blur the descriptor count.
   */
  publish(recipient: string, title: string, data?: unknown): Promise<number>;
  /** The invariant every case ends with (see the file's comment). */
  expectUnharmed(): Promise<void>;
}

/** Registers the suite's hooks and returns the harness. Call at the top level of a test file. */
export function useHostileHarness(o: { bystander: string; env?: Record<string, string> }): HostileHarness {
  let herald: HeraldProcess | undefined;
  let bystander: RawStream | undefined;
  let baseline = 0;
  let exited = false;
  let pings = 0;
  const conns: RawConnection[] = [];
  const server = (): HeraldProcess => herald ?? expect.unreachable('the harness server has not started');

  const publish = (recipient: string, title: string, data?: unknown): Promise<number> => {
    const body = JSON.stringify({ recipients: [recipient], title, ...(data === undefined ? {} : { data }) });
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${server().url}/v1/notifications`,
        { method: 'POST', agent: false, headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('publish timed out')));
      req.on('error', reject);
      req.end(body);
    });
  };

  const bystanderReceives = async (): Promise<void> => {
    const title = `ping ${++pings}`;
    expect(await publish(o.bystander, title)).toBe(201);
    const got = () => bystander!.events().some((e) => e.event === 'notification' && (JSON.parse(e.data) as { title: string }).title === title);
    await waitFor(`the bystander to receive "${title}"`, got, { timeoutMs: 10_000 });
  };

  beforeAll(async () => {
    herald = await startHerald(o.env ? { env: o.env } : undefined);
    // `exited` never rejects: it resolves with the exit code or signal.
    void herald.exited.then(() => (exited = true));
    bystander = await openRawStream(herald.port, await signToken(o.bystander));
    // One round trip first: the store opens its files lazily, which is not a leak.
    await bystanderReceives();
    baseline = fdCount(herald.pid);
  }, 120_000);

  afterEach(() => {
    for (const c of conns.splice(0)) c.destroy();
  });

  afterAll(async () => {
    bystander?.destroy();
    await cleanup();
  });

  return {
    get herald() {
      return server();
    },
    async open() {
      const c = await connectRaw(server().port);
      conns.push(c);
      return c;
    },
    publish,
    async expectUnharmed() {
      for (const c of conns.splice(0)) c.destroy();
      const h = server();
      expect(exited, `herald died:\n${h.output().slice(-4000)}`).toBe(false);
      await bystanderReceives();
      await waitFor(() => `the descriptors to return to ${baseline} (now ${fdCount(h.pid)})`, () => fdCount(h.pid) <= baseline, { timeoutMs: 15_000, intervalMs: 50 });
      expect(exited).toBe(false);
    },
  };
}
