/**
 * Chaos: Redis stops answering without closing anything (a partition that drops packets, a server
 * stuck in a long command or paused), behind a loopback proxy that freezes. Unlike a Redis that
 * dies, no error ever comes: every command waits for a reply.
 *
 * The store is the truth and Redis only speeds delivery up (README, "What each failure does"), so
 * while Redis hangs: publishes still get 201, streams still open (the per-user limit holding per
 * node), and the cluster figures answer 503 instead of waiting. When Redis answers again, what was
 * published meanwhile reaches the streams exactly once, and no stream lease is left counted: a
 * user can open as many streams as the limit allows again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../packages/server/src/bus/contract/private-redis.ts';
import { signToken } from '../e2e/support/api.ts';
import { cleanup, startHerald, TEST_API_KEY, type HeraldProcess } from '../e2e/support/herald-process.ts';
import { createSseParser, type ParsedEvent } from '../e2e/support/sse-parser.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { connectRaw, request, type RawConnection } from '../http/support/raw-http.ts';
import { startFreezingProxy, type FreezingProxy } from '../support/freezing-proxy.ts';
import { hasBinary, missing } from '../support/requires.ts';

const reason = missing({ 'redis-server': hasBinary('redis-server') });
const LIMIT = 3;
/** How long a request may take while Redis hangs; Redis stays frozen far longer than this. */
const ANSWER_WITHIN_MS = 15_000;

describe.skipIf(reason)('chaos: Redis hangs (answers nothing, closes nothing)', () => {
  let redis: PrivateRedis | undefined;
  let proxy: FreezingProxy | undefined;
  let herald: HeraldProcess;
  const streams: RawConnection[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    proxy = await startFreezingProxy(redis.port);
    herald = await startHerald({ env: { REDIS_URL: proxy.url('redis'), HERALD_MAX_STREAMS_PER_USER: String(LIMIT), HERALD_HEARTBEAT_MS: '2000' } });
  }, 120_000);

  afterAll(async () => {
    for (const s of streams) s.destroy();
    proxy?.thaw();
    await cleanup();
    await proxy?.close();
    await redis?.stop();
  }, 60_000);

  const auth = { authorization: `Bearer ${TEST_API_KEY}` };

  async function publish(user: string, title: string): Promise<number> {
    const r = await fetch(`${herald.url}/v1/notifications`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ recipients: [user], title }),
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    await r.text();
    return r.status;
  }

  /** A stream's first answer: its status, and the connection when the stream opened. */
  async function tryStream(user: string): Promise<{ status: number; stream?: RawConnection }> {
    const c = await connectRaw(herald.port);
    streams.push(c);
    c.write(request('GET', '/v1/stream', { authorization: `Bearer ${await signToken(user)}`, accept: 'text/event-stream' }));
    const status = await waitFor('the stream to answer', () => Number(/^HTTP\/1\.1 (\d{3})/.exec(c.text())?.[1] ?? 0) || undefined, { timeoutMs: ANSWER_WITHIN_MS });
    if (status !== 200) return { status };
    await waitFor('the ready event', () => c.text().includes('event: ready'), { timeoutMs: ANSWER_WITHIN_MS });
    return { status, stream: c };
  }

  async function presenceOf(user: string): Promise<number> {
    const r = await fetch(`${herald.url}/v1/presence?users=${user}`, { headers: auth, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    const body = (await r.json()) as { users: Record<string, { streams: number }> };
    return body.users[user]!.streams;
  }

  const titles = (c: RawConnection) => eventsOf(c).filter((e) => e.event === 'notification').map((e) => (JSON.parse(e.data) as { title: string }).title);

  it('publishes get 201, streams open with per-node limits and stats answer 503 while Redis hangs; afterwards nothing is lost and no lease stays counted', async () => {
    const watcher = await tryStream('hang-watcher');
    expect(watcher.status).toBe(200);
    expect(await presenceOf('hang-watcher')).toBe(1);

    proxy!.freeze();
    for (let i = 0; i < 3; i++) expect(await publish('hang-watcher', `during ${i}`)).toBe(201);

    const during: number[] = [];
    for (let i = 0; i <= LIMIT; i++) during.push((await tryStream('hang-opener')).status);
    expect(during).toEqual([...Array<number>(LIMIT).fill(200), 429]);

    const stats = await fetch(`${herald.url}/v1/stats`, { headers: auth, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    expect(stats.status).toBe(503);
    expect(((await stats.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    await waitFor('/readyz to fail while the bus is starved', async () => (await fetch(`${herald.url}/readyz`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) })).status === 503, { timeoutMs: ANSWER_WITHIN_MS, intervalMs: 250 });

    proxy!.thaw();
    await waitFor('the watcher to get what was published during the hang', () => titles(watcher.stream!).length >= 3, { timeoutMs: 20_000 });
    expect(titles(watcher.stream!)).toEqual(['during 0', 'during 1', 'during 2']);

    // Every opener stream closed: the counts in Redis must come back to zero, not stay inflated.
    for (const s of streams.splice(1)) s.destroy();
    await waitFor('hang-opener to count no stream', async () => (await presenceOf('hang-opener')) === 0, { timeoutMs: 20_000, intervalMs: 250 });
    const after: number[] = [];
    for (let i = 0; i <= LIMIT; i++) after.push((await tryStream('hang-opener')).status);
    expect(after).toEqual([...Array<number>(LIMIT).fill(200), 429]);
    expect(await publish('hang-watcher', 'after')).toBe(201);
    await waitFor('the watcher to get the live event after the hang', () => titles(watcher.stream!).includes('after'), { timeoutMs: 10_000 });
    expect(titles(watcher.stream!).filter((t) => t === 'after')).toHaveLength(1);
  }, 120_000);
});

function eventsOf(c: RawConnection): ParsedEvent[] {
  const text = Buffer.from(c.text(), 'latin1').toString('utf8');
  const out: ParsedEvent[] = [];
  createSseParser((e) => out.push(e)).feed(text.slice(text.indexOf('\r\n\r\n') + 4));
  return out;
}
