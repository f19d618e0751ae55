/**
 * Property-based fuzzing (issue 6, acceptance 2): publish and topic APIs, subscriber routes with
 * the JWT in header and cookie, and the stream (query string, Last-Event-ID, tickets, tokens)
 * over real HTTP. Invariants: no 5xx, no crash, every 4xx is `{"error":{"code","message"}}` with
 * a documented code and its documented status; afterwards Herald still publishes and streams.
 * At least 100,000 generated requests per run, counted.
 */
import http from 'node:http';
import { ERROR_CODES, isErrorCode } from '@herald/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type InProcess } from './support/app.ts';
import { contentType, cursorLike, headerSafe, hostileJson, idLike, nasty, publishBody, rawBody, tokenLike, topicBody, topicName } from './support/fuzz-arbitraries.ts';
import { openStream } from './support/http.ts';
import { API_KEY, SECRET } from './support/server.ts';
import { hsToken } from './support/tokens.ts';

/** Requests per area; the total is asserted. Batches run concurrently to keep the run short. */
const PLAN = { publish: 30_000, topics: 15_000, subscriber: 40_000, stream: 15_000 };
const MIN_TOTAL = 100_000;
const BATCH = 25;
const counted: Record<string, number> = {};
let h: InProcess;
let goodTokens: string[] = [];
let epoch = '';
let tickets: string[] = [];
const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

beforeAll(async () => {
  h = await buildApp({ corsOrigins: ['https://app.example'] });
  await h.listen();
  goodTokens = await Promise.all([
    hsToken(SECRET, { sub: 'alice', topics: ['**'] }),
    hsToken(SECRET, { sub: 'bob', topics: ['orders.*'] }),
    hsToken(SECRET, { sub: 'carol' }),
  ]);
  const s = await openStream(h.url, '/v1/stream', { headers: { authorization: `Bearer ${goodTokens[0]}` } });
  epoch = (await s.waitFor((e) => e.event === 'ready')).id!.split('.')[0]!;
  s.close();
  // Spread over ten users: one user may take only a burst of tickets (ticket-flood.test.ts).
  const ticketTokens = await Promise.all(Array.from({ length: 10 }, (_, i) => hsToken(SECRET, { sub: `ticket-user-${i}`, topics: [['**'], ['orders.*'], []][i % 3] })));
  for (let i = 0; i < 300; i++) {
    const r = await h.herald.app.inject({ method: 'POST', url: '/v1/tickets', headers: { authorization: `Bearer ${ticketTokens[i % 10]}` } });
    tickets.push(r.json().ticket);
  }
}, 120_000);
afterAll(async () => {
  agent.destroy();
  await h?.close();
});

/** The invariant every answer must hold. */
function check(what: string, status: number, body: string): void {
  if (status >= 500) throw new Error(`${what} → ${status} ${body.slice(0, 300)}`);
  if (status < 400) return;
  let j: any;
  try {
    j = JSON.parse(body);
  } catch {
    throw new Error(`${what} → ${status} with a non-JSON body: ${body.slice(0, 200)}`);
  }
  const code = j?.error?.code;
  if (!isErrorCode(code) || typeof j.error.message !== 'string' || Object.keys(j).length !== 1) {
    throw new Error(`${what} → ${status} with an undocumented error body: ${body.slice(0, 200)}`);
  }
  if (ERROR_CODES[code].status !== status) throw new Error(`${what} → ${status} but ${code} is documented as ${ERROR_CODES[code].status}`);
}

const wellFormed = (s: string) => (s as string & { toWellFormed(): string }).toWellFormed();
const enc = (s: string) => encodeURIComponent(wellFormed(s));

async function inject(area: string, o: { method: string; url: string; headers?: Record<string, string>; payload?: string }): Promise<void> {
  const res = await h.herald.app.inject({ method: o.method as 'GET', url: o.url, headers: o.headers, payload: o.payload });
  counted[area] = (counted[area] ?? 0) + 1;
  check(`${o.method} ${o.url.slice(0, 120)}`, res.statusCode, res.body);
}

/** Runs `runs` batches of BATCH generated requests. */
async function fuzz<T>(area: keyof typeof PLAN, arb: fc.Arbitrary<T>, send: (v: T) => Promise<void>): Promise<void> {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(fc.array(arb, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      await Promise.all(batch.map(send));
    }),
    { numRuns: PLAN[area] / BATCH },
  );
  console.log(`fuzz ${area}: ${counted[area]} requests in ${Date.now() - started} ms`);
}

const withCt = (ct: string, extra: Record<string, string> = {}) => (ct ? { 'content-type': ct, ...extra } : extra);

describe('fuzzing', () => {
  it('publish API: no 5xx, documented 4xx', async () => {
    await fuzz('publish', fc.tuple(rawBody(publishBody), contentType, fc.constantFrom(API_KEY, API_KEY, API_KEY, 'hk_wrong_key_0123456789', '')), ([body, ct, key]) =>
      inject('publish', { method: 'POST', url: '/v1/notifications', headers: withCt(ct, key ? { authorization: `Bearer ${key}` } : {}), payload: body }),
    );
  }, 480_000);

  it('topic API (topic names, event names, data): no 5xx, documented 4xx', async () => {
    await fuzz('topics', fc.tuple(topicName, rawBody(topicBody), contentType), ([topic, body, ct]) =>
      inject('topics', { method: 'POST', url: `/v1/topics/${enc(topic)}/events`, headers: withCt(ct, { authorization: `Bearer ${API_KEY}` }), payload: body }),
    );
  }, 480_000);

  it('subscriber routes with the JWT in header and cookie: no 5xx, documented 4xx', async () => {
    const auth = fc.oneof(
      tokenLike(goodTokens).map((t) => ({ authorization: headerSafe(`Bearer ${t}`) })),
      tokenLike(goodTokens).chain((t) => fc.constantFrom('https://app.example', 'https://evil.example', 'null', '').map((origin) => ({ cookie: headerSafe(`herald_token=${t}`), ...(origin ? { origin } : {}) }))),
      fc.tuple(tokenLike(goodTokens), tokenLike(goodTokens)).map(([a, b]) => ({ authorization: headerSafe(`Bearer ${a}`), cookie: headerSafe(`herald_token=${b}`) })),
      fc.constantFrom({}, { authorization: `Bearer ${API_KEY}` }, { authorization: 'Basic YWxpY2U6cHc=' }, { authorization: 'Bearer' }, { cookie: 'herald_token=' }),
    );
    const query = fc.dictionary(fc.constantFrom('status', 'category', 'limit', 'cursor', 'users', 'ticket', 'x'), fc.oneof(idLike, fc.constantFrom('unread', 'all', '5', '0', '101', '1e3')), { maxKeys: 4 })
      .map((q) => Object.entries(q).map(([k, v]) => `${k}=${enc(v)}`).join('&'));
    const route = fc.oneof(
      query.map((q) => ({ method: 'GET', url: `/v1/inbox?${q}` })),
      fc.constant({ method: 'GET', url: '/v1/inbox/counts' }),
      fc.tuple(fc.oneof(fc.constantFrom('read', 'unread', 'seen', 'archive', 'unarchive'), nasty), fc.oneof(fc.record({ ids: fc.array(idLike, { maxLength: 5 }), all: hostileJson }, { requiredKeys: [] }), hostileJson))
        .map(([a, b]) => ({ method: 'POST', url: `/v1/inbox/${enc(a)}`, payload: JSON.stringify(b) ?? 'null' })),
      fc.constant({ method: 'POST', url: '/v1/tickets' }),
      query.map((q) => ({ method: 'GET', url: `/v1/presence?${q}` })),
      fc.constantFrom({ method: 'GET', url: '/v1/stats' }, { method: 'DELETE', url: '/v1/inbox' }, { method: 'GET', url: '/v1/notifications' }),
    );
    await fuzz('subscriber', fc.tuple(route, auth), ([r, a]) =>
      inject('subscriber', { ...r, headers: { ...(a as Record<string, string>), ...('payload' in r ? { 'content-type': 'application/json' } : {}) } }),
    );
  }, 480_000);

  it('stream over real HTTP (query, Last-Event-ID, tickets, tokens): no 5xx, documented 4xx', async () => {
    const { port } = new URL(h.url);
    const topicsParam = fc.array(fc.oneof(topicName, fc.constantFrom('orders.1', 'broadcast', 'a.b')), { maxLength: 5 }).map((t) => t.join(','));
    const query = fc.record(
      { topics: topicsParam, ticket: fc.oneof(fc.constantFrom(...tickets), fc.base64String({ minLength: 40, maxLength: 48 }), nasty), lastEventId: cursorLike(epoch), junk: nasty },
      { requiredKeys: [] },
    ).map((q) => Object.entries(q).map(([k, v]) => `${k}=${enc(v)}`).join('&'));
    const rawQuery = fc.stringMatching(/^[\x21-\x7e]{0,80}$/).map((s) => s.replace(/#/g, '%23'));
    const headers = fc.record(
      {
        authorization: tokenLike(goodTokens).map((t) => `Bearer ${t}`),
        cookie: tokenLike(goodTokens).map((t) => `herald_token=${t}`),
        'last-event-id': cursorLike(epoch),
      },
      { requiredKeys: [] },
    ).map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, headerSafe(v)])));
    await fuzz('stream', fc.tuple(fc.oneof({ weight: 4, arbitrary: query }, { weight: 1, arbitrary: rawQuery }), headers), ([q, hd]) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: Number(port), path: `/v1/stream?${q}`, headers: hd, agent }, (res) => {
          counted.stream = (counted.stream ?? 0) + 1;
          if (res.statusCode === 200) {
            res.destroy(); // a stream that opened is closed at once
            return resolve();
          }
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            try {
              check(`GET /v1/stream?${q.slice(0, 100)}`, res.statusCode!, body);
              resolve();
            } catch (err) {
              reject(err);
            }
          });
        });
        req.setTimeout(30_000, () => req.destroy(new Error('stream request timed out')));
        req.on('error', reject);
        req.end();
      }),
    );
  }, 480_000);

  it(`ran at least ${MIN_TOTAL} cases, left Object.prototype alone, and still publishes and streams`, async () => {
    const total = Object.values(counted).reduce((a, b) => a + b, 0);
    console.log(`fuzz total: ${total} requests`, counted);
    expect(total).toBeGreaterThanOrEqual(MIN_TOTAL);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const token = await hsToken(SECRET, { sub: 'after-fuzz' });
    const s = await openStream(h.url, '/v1/stream', { headers: { authorization: `Bearer ${token}` } });
    expect(s.status).toBe(200);
    await s.waitFor((e) => e.event === 'ready');
    const pub = await h.herald.app.inject({ method: 'POST', url: '/v1/notifications', headers: { authorization: `Bearer ${API_KEY}` }, payload: { recipients: ['after-fuzz'], title: 'still here' } });
    expect(pub.statusCode).toBe(201);
    const got = await s.waitFor((e) => e.event === 'notification');
    s.close();
    expect(JSON.parse(got.data).title).toBe('still here');
  });
});
