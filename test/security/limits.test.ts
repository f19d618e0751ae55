/**
 * Limits and input controls (issue 6): publish rate per key, streams per user and per address,
 * new streams per second, body, recipients, topics and data sizes, the headers timeout, the
 * X-Forwarded-For policy, and CR/LF in event names. Against two real `herald serve` processes
 * with small limits: one direct, one behind a trusted proxy.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, sleep, waitUntil, type Stream } from './support/http.ts';
import { SECRET, startServer, type ServerHandle } from './support/server.ts';
import { hsToken } from './support/tokens.ts';

const KEYS = ['rate', 'other', 'body', 'recipients', 'data', 'events'].map((k) => `hk_limits_${k}_0123456789abcdef`);
const [K_RATE, K_OTHER, K_BODY, K_RECIPIENTS, K_DATA, K_EVENTS] = KEYS as [string, string, string, string, string, string];
const COMMON = {
  HERALD_JWT_SECRET: SECRET,
  HERALD_API_KEYS: KEYS.map((k) => `${k}:publish`).join(','),
  HERALD_PUBLISH_RATE: '2',
  HERALD_PUBLISH_BURST: '5',
  HERALD_MAX_STREAMS_PER_USER: '2',
  HERALD_MAX_NEW_CONNECTIONS_PER_S: '20',
  HERALD_BODY_LIMIT: '16384',
  HERALD_MAX_DATA_BYTES: '512',
  HERALD_MAX_TOPICS_PER_STREAM: '3',
  HERALD_HEADERS_TIMEOUT_MS: '1000',
};
let direct: ServerHandle;
let proxied: ServerHandle;
const open: Stream[] = [];

beforeAll(async () => {
  [direct, proxied] = await Promise.all([
    startServer({ ...COMMON, HERALD_MAX_STREAMS_PER_IP: '4' }),
    startServer({ ...COMMON, HERALD_MAX_STREAMS_PER_IP: '2', HERALD_TRUST_PROXY: 'true' }),
  ]);
}, 120_000);
afterAll(async () => {
  for (const s of open) s.close();
  await Promise.all([direct?.stop(), proxied?.stop()]);
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const token = (sub: string, topics: string[] = []) => hsToken(SECRET, { sub, topics });
async function stream(base: string, sub: string, o: { localAddress?: string; xff?: string; query?: string } = {}): Promise<Stream> {
  const headers: Record<string, string> = { ...bearer(await token(sub, ['**'])) };
  if (o.xff) headers['x-forwarded-for'] = o.xff;
  const s = await openStream(base, `/v1/stream${o.query ?? ''}`, { headers, localAddress: o.localAddress });
  if (s.status === 200) {
    open.push(s);
    await s.waitFor((e) => e.event === 'ready');
  }
  return s;
}
function expectLimited(s: { status: number; headers: Record<string, unknown>; json: any }, code: string, status = 429) {
  expect(s.status).toBe(status);
  expect(s.json.error.code).toBe(code);
  expect(Number(s.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

describe('rate and connection limits', () => {
  it('publish rate per API key: a burst past the bucket gets 429 rate_limited with Retry-After', async () => {
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => call(direct.url, '/v1/notifications', { headers: bearer(K_RATE), body: { recipients: ['rate'], title: `n${i}` } })),
    );
    const limited = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expectLimited(limited[0]!, 'rate_limited');
    // The bucket is per key: another key still publishes.
    const other = await call(direct.url, '/v1/notifications', { headers: bearer(K_OTHER), body: { recipients: ['rate'], title: 'other key' } });
    expect(other.status).toBe(201);
  });

  it('streams per user: the third stream of one user gets 429 too_many_streams', async () => {
    const a = await stream(direct.url, 'limited-user');
    const b = await stream(direct.url, 'limited-user');
    expect([a.status, b.status]).toEqual([200, 200]);
    const c = await stream(direct.url, 'limited-user');
    expectLimited(c, 'too_many_streams');
    a.close();
    // The slot comes back once a stream closes.
    await waitUntil(async () => (await stream(direct.url, 'limited-user')).status === 200, 10_000, 'a freed stream slot');
  });

  it('streams per IP: a fifth stream from one address gets 429; another address is admitted', async () => {
    for (let i = 0; i < 4; i++) expect((await stream(direct.url, `ip-user-${i}`, { localAddress: '127.0.0.3' })).status).toBe(200);
    expectLimited(await stream(direct.url, 'ip-user-4', { localAddress: '127.0.0.3' }), 'too_many_streams');
    expect((await stream(direct.url, 'ip-user-5', { localAddress: '127.0.0.4' })).status).toBe(200);
  });

  it('X-Forwarded-For is ignored unless HERALD_TRUST_PROXY is set', async () => {
    // Direct server: 127.0.0.3 is full; a forged header does not make it another client.
    expectLimited(await stream(direct.url, 'xff-user-1', { localAddress: '127.0.0.3', xff: '10.1.2.3' }), 'too_many_streams');
    // Trusting server (2 per address): the header names the client.
    expect((await stream(proxied.url, 'xff-a', { xff: '10.0.0.1' })).status).toBe(200);
    expect((await stream(proxied.url, 'xff-b', { xff: '10.0.0.1' })).status).toBe(200);
    expectLimited(await stream(proxied.url, 'xff-c', { xff: '10.0.0.1' }), 'too_many_streams');
    expect((await stream(proxied.url, 'xff-d', { xff: '10.0.0.2' })).status).toBe(200);
  });

  it('topics per stream: more than the limit gets 400 too_many_topics', async () => {
    const r = await stream(direct.url, 'topics-user', { query: '?topics=a,b,c,d', localAddress: '127.0.0.5' });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('too_many_topics');
    expect((await stream(direct.url, 'topics-user', { query: '?topics=a,b,c', localAddress: '127.0.0.5' })).status).toBe(200);
  });

  it('new streams per second: a flood gets 429 rate_limited with Retry-After', async () => {
    await sleep(1_100); // let the admission bucket refill after the tests above
    // Signed in: a request without a credential is refused before it spends the budget
    // (stream-admission.test.ts). Past the budget, what still gets through meets the user limit.
    const headers = bearer(await token('flood-user'));
    const replies = await Promise.all(Array.from({ length: 60 }, () => openStream(direct.url, '/v1/stream', { headers, localAddress: '127.0.0.7' })));
    for (const s of replies) s.close();
    const limited = replies.filter((r) => r.json?.error?.code === 'rate_limited');
    expect(limited.length).toBeGreaterThanOrEqual(20);
    expectLimited(limited[0]!, 'rate_limited');
  });
});

describe('size limits', () => {
  it('body size: a body over HERALD_BODY_LIMIT gets 413 body_too_large', async () => {
    const r = await call(direct.url, '/v1/notifications', { headers: bearer(K_BODY), body: { recipients: ['x'], title: 't', body: 'x'.repeat(20_000) } });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('body_too_large');
  });

  it('recipients per publish: 1001 gets 400 too_many_recipients, 1000 is accepted', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);
    const over = await call(direct.url, '/v1/notifications', { headers: bearer(K_RECIPIENTS), body: { recipients: ids(1001), title: 'too many' } });
    expect(over.status).toBe(400);
    expect(over.json.error.code).toBe('too_many_recipients');
    const max = await call(direct.url, '/v1/notifications', { headers: bearer(K_RECIPIENTS), body: { recipients: ids(1000), title: 'just enough' } });
    expect(max.status).toBe(201);
    expect(max.json.notifications).toHaveLength(1000);
  });

  it('data size: data over HERALD_MAX_DATA_BYTES gets 413 data_too_large (notifications and topics)', async () => {
    const big = { blob: 'x'.repeat(600) };
    const n = await call(direct.url, '/v1/notifications', { headers: bearer(K_DATA), body: { recipients: ['d'], title: 't', data: big } });
    expect(n.status).toBe(413);
    expect(n.json.error.code).toBe('data_too_large');
    const t = await call(direct.url, '/v1/topics/news/events', { headers: bearer(K_DATA), body: { data: big } });
    expect(t.status).toBe(413);
    expect(t.json.error.code).toBe('data_too_large');
    const small = await call(direct.url, '/v1/topics/news/events', { headers: bearer(K_DATA), body: { data: { blob: 'x'.repeat(400) } } });
    expect(small.status).toBe(202);
  });
});

describe('SSE injection', () => {
  it('CR and LF in event names are refused with 400 invalid_event_name, NUL with invalid_text; data cannot end an event', async () => {
    // NUL is refused for every text field alike (see text-fields.test.ts), before the route runs.
    for (const [event, code] of [['a\r\nevent: evil', 'invalid_event_name'], ['a\nb', 'invalid_event_name'], ['a\rb', 'invalid_event_name'], ['a\u0000b', 'invalid_text'], ['ready', 'invalid_event_name']]) {
      const r = await call(direct.url, '/v1/topics/news/events', { headers: bearer(K_EVENTS), body: { event, data: 1 } });
      expect(r.status, JSON.stringify(event)).toBe(400);
      expect(r.json.error.code).toBe(code);
    }
    const s = await stream(direct.url, 'injection-reader', { query: '?topics=news', localAddress: '127.0.0.6' });
    const payload = 'x\n\nevent: evil\ndata: forged\n\n';
    // Another key: the five refusals above used up this key's bucket of five.
    expect((await call(direct.url, '/v1/topics/news/events', { headers: bearer(K_OTHER), body: { event: 'news', data: payload } })).status).toBe(202);
    const got = await s.waitFor((e) => e.event === 'news');
    expect(JSON.parse(got.data).data).toBe(payload);
    expect(s.events.some((e) => e.event === 'evil')).toBe(false);
  });
});

describe('slowloris', () => {
  it('a client sending its headers one byte at a time is cut by the headers timeout', async () => {
    const { hostname, port } = new URL(direct.url);
    const sock = net.connect({ host: hostname, port: Number(port) });
    await new Promise((r) => sock.once('connect', r));
    const started = Date.now();
    let closedAt = 0;
    let reply = '';
    sock.on('data', (b) => (reply += b.toString()));
    sock.on('error', () => {});
    const closed = new Promise<void>((r) => sock.once('close', () => ((closedAt = Date.now()), r())));
    const head = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(400);
    let i = 0;
    const drip = setInterval(() => {
      if (i < head.length && !sock.destroyed) sock.write(head[i++]!);
    }, 100);
    await Promise.race([closed, sleep(45_000)]);
    clearInterval(drip);
    sock.destroy();
    expect(closedAt, 'the server never cut the slow client').toBeGreaterThan(0);
    // Cut long before the headers would have been complete (400 bytes at 10/s = 40 s).
    expect(closedAt - started).toBeLessThan(15_000);
    expect(i).toBeLessThan(head.length);
    if (reply) expect(reply).toMatch(/^HTTP\/1\.1 408/);
  }, 60_000);
});
