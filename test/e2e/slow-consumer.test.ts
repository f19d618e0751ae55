/**
 * A stalled reader (a socket that stops reading) is disconnected once its bounded buffer is full,
 * instead of growing the server's memory; the other streams keep their latency meanwhile; the
 * stalled client then resumes with its last id and loses nothing.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { publisher, signToken } from './support/api.ts';
import { cleanup, startHerald } from './support/herald-process.ts';
import { openRawStream } from './support/raw-stream.ts';
import { openSse, type SseStream } from './support/sse-reader.ts';
import { waitFor, within } from './support/wait.ts';

const open: { close(): void }[] = [];
afterAll(async () => {
  for (const s of open) s.close();
  await cleanup();
});

const BLOB = 'x'.repeat(50_000);
const MAX_PUBLISHES = 500;

describe('slow consumer', () => {
  it('is cut off at its buffer limit while other streams stay fast, then resumes without loss', { timeout: 150_000 }, async () => {
    const herald = await startHerald({ env: { HERALD_STREAM_BUFFER_BYTES: '65536', HERALD_MAX_DATA_BYTES: '60000' } });
    const pub = publisher(herald.url);
    const samToken = await signToken('sam');
    const sseOf = async (user: string) => {
      const s = await openSse(`${herald.url}/v1/stream`, { token: await signToken(user) });
      open.push(s);
      await s.waitForCount('ready', 1);
      return s;
    };

    const stalled = await openRawStream(herald.port, samToken);
    open.push({ close: () => stalled.destroy() });
    stalled.pause();
    const samOtherTab = await sseOf('sam');
    const steady = await sseOf('sid');

    const slowCount = async () => (await pub.stats()).body.process.slowConsumersTotal as number;
    expect(await slowCount()).toBe(0);

    const big: string[] = [];
    const latencies: number[] = [];
    const deadline = Date.now() + 90_000;
    let cut = false;
    for (let i = 0; i < MAX_PUBLISHES && Date.now() < deadline; i++) {
      big.push(await pub.publishOne('sam', `big ${i}`, { data: { blob: BLOB, i } }));
      if (i % 5 === 0) {
        const from = steady.events.length;
        const sentAt = performance.now();
        const id = await pub.publishOne('sid', `ping ${i}`);
        const got = await steady.waitForEvent((e) => e.event === 'notification' && JSON.parse(e.data).id === id, 10_000, from);
        latencies.push(got.at - sentAt);
      }
      if (i % 10 === 9 && (await slowCount()) >= 1) {
        cut = true;
        break;
      }
    }
    const bytes = big.length * BLOB.length;
    expect(cut, `not disconnected after ${big.length} notifications (~${(bytes / 1e6).toFixed(1)} MB)`).toBe(true);

    // The server closed the socket: once the client reads again it drains and sees the end.
    stalled.resume();
    await within('the stalled socket to be closed by the server', stalled.closed, 30_000);
    const partial = stalled.events().filter((e) => e.event === 'notification');
    const lastId = stalled.events().at(-1)!.id;

    // The other tab of the same user and another user's stream were not affected.
    await samOtherTab.waitForCount('notification', big.length, 30_000);
    expect(samOtherTab.named<{ id: string }>('notification').map((n) => n.id)).toEqual(big);
    expect(samOtherTab.isEnded).toBe(false);
    expect(steady.isEnded).toBe(false);
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `[slow-consumer] cut after ${big.length} notifications (~${(bytes / 1e6).toFixed(1)} MB published, ${partial.length} read by the stalled client); ` +
        `other stream latency during the stall: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (n=${sorted.length})`,
    );
    for (const ms of latencies) expect(ms).toBeLessThan(1000);

    // The stalled client resumes from the last event it fully received and gets the rest.
    const resumed: SseStream = await openSse(`${herald.url}/v1/stream`, { token: samToken, lastEventId: lastId });
    open.push(resumed);
    expect(resumed.status).toBe(200);
    await waitFor(() => `the resumed stream to catch up`, () => partial.length + resumed.named('notification').length >= big.length, { timeoutMs: 30_000 });
    const all = [...partial.map((e) => JSON.parse(e.data).id as string), ...resumed.named<{ id: string }>('notification').map((n) => n.id)];
    expect(resumed.named('reset')).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(big);
  });
});
