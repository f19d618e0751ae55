/**
 * DESIGN §2 across a crash: a publisher publishes continuously while a stream reads; the server
 * is SIGKILLed mid-way and restarted on the same port and data dir; the publisher retries through
 * the outage and the stream resumes with its last event id. Every notification that got a 201
 * must arrive exactly once, in order.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { publisher, signToken } from './support/api.ts';
import { cleanup, startHerald, type HeraldProcess } from './support/herald-process.ts';
import { openSse, type SseStream } from './support/sse-reader.ts';
import { sleep, waitFor } from './support/wait.ts';

afterAll(cleanup);

const TOTAL = 80;
const KILL_AFTER = 30;

describe('SIGKILL of the server while publishing and streaming', () => {
  it('every acknowledged notification arrives exactly once and in order after restart and resume', { timeout: 180_000 }, async () => {
    const env = { HERALD_RETRY_MS: '200' };
    let herald: HeraldProcess = await startHerald({ env });
    const base = herald.url;
    const pub = publisher(base);
    const token = await signToken('kim');
    const deadline = Date.now() + 150_000;

    // The subscriber: reads, and on any end reconnects with the last event id it saw.
    const connections: SseStream[] = [];
    let reading = true;
    let cursor: string | undefined;
    const subscribing = (async () => {
      while (reading && Date.now() < deadline) {
        let s: SseStream;
        try {
          s = await openSse(`${base}/v1/stream`, { token, lastEventId: cursor });
        } catch {
          await sleep(100);
          continue;
        }
        if (s.status !== 200) {
          await sleep(100);
          continue;
        }
        connections.push(s);
        await s.ended;
        if (s.lastEventId) cursor = s.lastEventId;
      }
    })();
    const received = () => connections.flatMap((s) => s.named<{ id: string }>('notification').map((n) => n.id));
    // The stream starts first: it promises everything published after its start.
    await waitFor('the first stream to be ready', () => connections[0]?.named('ready').length === 1);

    // The publisher: sequential, retrying each message (same dedupeKey) until it gets a 201.
    const acked: string[] = [];
    let failures = 0;
    const publishing = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        for (;;) {
          if (Date.now() > deadline) throw new Error(`publisher gave up at message ${i}`);
          try {
            const r = await pub.publish({ recipients: ['kim'], title: `n${i}`, dedupeKey: `msg-${i}` });
            if (r.status === 201) {
              acked.push(r.body.notifications[0]!.id);
              break;
            }
          } catch {
            // Connection refused or reset while the server is down: retry.
          }
          failures++;
          await sleep(50);
        }
      }
    })();


    await waitFor('the publisher to get past the kill point', () => acked.length >= KILL_AFTER, { timeoutMs: 60_000 });
    const streamedBeforeKill = received().length;
    const exit = await herald.kill();
    expect(exit.signal).toBe('SIGKILL');
    const ackedAtKill = acked.length;
    herald = await startHerald({ env, port: herald.port, dataDir: herald.dataDir });
    expect(herald.url).toBe(base);

    await publishing;
    await waitFor(() => `the stream to catch up (${received().length}/${acked.length})`, () => received().length >= acked.length, { timeoutMs: 30_000 }).catch((err) => {
      const got = received();
      const missing = acked.filter((id) => !got.includes(id)).map((id) => `${id} (#${acked.indexOf(id)})`);
      const detail = connections.map((s, i) => `#${i}: ${s.events.length} events, ready ${JSON.stringify(s.named('ready')[0])}, first id ${s.events[0]?.id}, last id ${s.lastEventId}`);
      throw new Error(`${(err as Error).message}; missing ${missing.join(', ')} (killed at ${ackedAtKill})\n${detail.join('\n')}`);
    });
    // Anything late (a duplicate) would show up right after the last expected id: wait for a marker.
    const marker = await pub.publishOne('kim', 'marker');
    await waitFor('the marker', () => received().includes(marker), { timeoutMs: 15_000 });
    reading = false;
    for (const s of connections) s.close();
    await subscribing;

    const got = received();
    console.log(
      `[chaos] acked ${acked.length} (${ackedAtKill} before the kill), ${failures} failed attempts during the outage, ` +
        `${streamedBeforeKill} streamed before the kill, ${connections.length} stream connections`,
    );
    expect(acked).toHaveLength(TOTAL);
    expect(new Set(acked).size).toBe(TOTAL);
    expect(failures).toBeGreaterThan(0);
    expect(connections.length).toBeGreaterThanOrEqual(2);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual([...acked, marker]);
    for (const s of connections) expect(s.named('reset')).toEqual([]);
    for (let i = 1; i < connections.length; i++) {
      expect(connections[i]!.named<{ resumed: boolean }>('ready')[0]?.resumed).toBe(true);
      // Each resumed stream starts exactly where the previous one stopped.
      expect(connections[i]!.events[0]!.id).toBe(connections[i - 1]!.lastEventId);
    }
  });
});
