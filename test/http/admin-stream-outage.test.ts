/**
 * The admin stream while cluster presence (Redis) is down, against the real CLI and a private
 * redis-server that the test stops: the dashboard gets a 503 or `stats.error` events, and the
 * node stays up however often the dashboard reconnects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../packages/server/src/bus/contract/private-redis.ts';
import { cleanup, startHerald, TEST_API_KEY, type HeraldProcess } from '../e2e/support/herald-process.ts';
import { createSseParser, type ParsedEvent } from '../e2e/support/sse-parser.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { hasBinary, missing } from '../support/requires.ts';
import { connectRaw, request, type RawConnection } from './support/raw-http.ts';

const reason = missing({ 'redis-server': hasBinary('redis-server') });

describe.skipIf(reason)('the admin stream while Redis presence is down', () => {
  let redis: PrivateRedis;
  let herald: HeraldProcess;
  let exited = false;
  const conns: RawConnection[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    herald = await startHerald({ env: { REDIS_URL: redis.url } });
    // `exited` never rejects: it resolves with the exit code or signal.
    void herald.exited.then(() => (exited = true));
  }, 120_000);

  afterAll(async () => {
    for (const c of conns) c.destroy();
    await cleanup();
    await redis?.stop();
  });

  const alive = () => expect(exited, `herald died:\n${herald.output().slice(-4000)}`).toBe(false);

  async function openAdmin(): Promise<{ c: RawConnection; events: () => ParsedEvent[] }> {
    const c = await connectRaw(herald.port);
    conns.push(c);
    c.write(request('GET', '/v1/admin/stream', { authorization: `Bearer ${TEST_API_KEY}`, accept: 'text/event-stream' }));
    const events = () => {
      const all = c.text();
      const out: ParsedEvent[] = [];
      if (all.startsWith('HTTP/1.1 200')) createSseParser((e) => out.push(e)).feed(all.slice(all.indexOf('\r\n\r\n') + 4));
      return out;
    };
    return { c, events };
  }

  it('an admin stream open when Redis goes down sends stats.error events, then stats again when it returns', { timeout: 90_000 }, async () => {
    const { events } = await openAdmin();
    await waitFor('a first stats event', () => events().some((e) => e.event === 'stats'), { timeoutMs: 10_000 });
    await redis.kill();
    const failed = await waitFor('a stats.error event', () => events().find((e) => e.event === 'stats.error'), { timeoutMs: 30_000 });
    expect(JSON.parse(failed.data)).toMatchObject({ error: { code: 'unavailable' } });
    alive();
    await redis.restart();
    const before = events().length;
    await waitFor('stats again after Redis returned', () => events().slice(before).some((e) => e.event === 'stats'), { timeoutMs: 45_000 });
    alive();
  });

  it('opening the admin stream while Redis presence is down answers 503 and the node lives', { timeout: 90_000 }, async () => {
    await redis.kill();
    // The dashboard reconnects by itself: several attempts, each must leave the node up.
    for (let i = 0; i < 5; i++) {
      const { c } = await openAdmin();
      await waitFor(() => `an answer; got:\n${c.text().slice(0, 300)}`, () => c.text().includes('\r\n\r\n') || c.isClosed, { timeoutMs: 30_000 });
      expect(c.text()).toMatch(/^HTTP\/1\.1 503/);
      expect(c.text()).toMatch(/\r\nretry-after: \d+\r\n/i);
      await waitFor('the JSON body', () => c.text().includes('"unavailable"'), { timeoutMs: 5_000 });
      c.destroy();
    }
    // Past the first tick of each stream, where the unhandled rejection used to end the process.
    await new Promise((r) => setTimeout(r, 1500));
    alive();
    const health = await fetch(`${herald.url}/healthz`);
    expect(health.status).toBe(200);
    await redis.restart();
  });
});
