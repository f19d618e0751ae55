/**
 * Controls of browser credentials (issue 6): the `herald_token` cookie and its Origin check on
 * writes, header over cookie, the CORS allow-list, single-use tickets, and inbox isolation
 * between users. Against the real `herald serve` (HS256, one allowed origin, 2 s tickets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './support/app.ts';
import { call, openStream, sleep } from './support/http.ts';
import { API_KEY, runToExit, SECRET, startServer, type ServerHandle } from './support/server.ts';
import { hsToken } from './support/tokens.ts';

const APP = 'https://app.example';
let server: ServerHandle;
let alice: string;
let bob: string;

beforeAll(async () => {
  server = await startServer({
    HERALD_JWT_SECRET: SECRET,
    HERALD_API_KEYS: `${API_KEY}:publish+admin`,
    HERALD_CORS_ORIGINS: APP,
    HERALD_TICKET_TTL_S: '2',
  });
  alice = await hsToken(SECRET, { sub: 'alice', topics: ['team.a'] });
  bob = await hsToken(SECRET, { sub: 'bob' });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const cookie = (t: string) => ({ cookie: `theme=dark; herald_token=${t}` });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const publish = (recipients: string[], title: string) =>
  call(server.url, '/v1/notifications', { headers: bearer(API_KEY), body: { recipients, title } });

describe('cookie authentication', () => {
  it('the herald_token cookie authenticates GET requests and streams', async () => {
    const r = await call(server.url, '/v1/inbox/counts', { headers: cookie(alice) });
    expect(r.status).toBe(200);
    const s = await openStream(server.url, '/v1/stream', { headers: cookie(alice) });
    expect(s.status).toBe(200);
    const ready = await s.waitFor((e) => e.event === 'ready');
    s.close();
    expect(JSON.parse(ready.data).user).toBe('alice');
  });

  it('a write with the cookie needs an allow-listed Origin (else 403 origin_forbidden)', async () => {
    const write = (origin?: string) =>
      call(server.url, '/v1/inbox/read', { headers: { ...cookie(alice), ...(origin ? { origin } : {}) }, body: { all: true } });
    const none = await write();
    expect(none.status).toBe(403);
    expect(none.json.error.code).toBe('origin_forbidden');
    const evil = await write('https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.json.error.code).toBe('origin_forbidden');
    const lookalike = await write('https://app.example.evil.example');
    expect(lookalike.status).toBe(403);
    const ticket = await call(server.url, '/v1/tickets', { method: 'POST', headers: { ...cookie(alice), origin: 'https://evil.example' } });
    expect(ticket.status).toBe(403);
    expect((await write(APP)).status).toBe(200);
  });

  it('the Authorization header beats the cookie when both are sent', async () => {
    const s = await openStream(server.url, '/v1/stream', { headers: { ...cookie(alice), ...bearer(bob) } });
    const ready = await s.waitFor((e) => e.event === 'ready');
    s.close();
    expect(JSON.parse(ready.data).user).toBe('bob');
    // A bad header is not rescued by a good cookie.
    const bad = await call(server.url, '/v1/inbox/counts', { headers: { ...cookie(alice), authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
  });
});

describe('CORS', () => {
  it('echoes only an exactly allow-listed origin, with credentials', async () => {
    const ok = await call(server.url, '/healthz', { headers: { origin: APP } });
    expect(ok.headers['access-control-allow-origin']).toBe(APP);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(String(ok.headers.vary)).toMatch(/Origin/i);
    for (const origin of ['https://evil.example', 'http://app.example', 'https://app.example:8443', 'null']) {
      const r = await call(server.url, '/healthz', { headers: { origin } });
      expect(r.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(r.headers['access-control-allow-credentials'], origin).toBeUndefined();
    }
  });

  it('answers a preflight from an allowed origin, and gives nothing to another', async () => {
    const pre = (origin: string) =>
      call(server.url, '/v1/inbox/read', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    const ok = await pre(APP);
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(APP);
    expect(ok.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(String(ok.headers['access-control-allow-headers'])).toMatch(/Authorization/i);
    const evil = await pre('https://evil.example');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never combines a wildcard with credentials (dev CORS=*)', async () => {
    const dev = await buildApp({ corsOrigins: ['*'] });
    try {
      const r = await dev.herald.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://anything.example' } });
      expect(r.headers['access-control-allow-origin']).toBe('*');
      expect(r.headers['access-control-allow-credentials']).toBeUndefined();
      // …and a wildcard never admits a cookie write.
      const w = await dev.herald.app.inject({ method: 'POST', url: '/v1/inbox/read', headers: { origin: 'https://anything.example', ...cookie(alice) }, payload: { all: true } });
      expect(w.statusCode).toBe(403);
      expect(w.json().error.code).toBe('origin_forbidden');
    } finally {
      await dev.close();
    }
  });
});

describe('tickets', () => {
  const mint = async (token: string) => {
    const r = await call(server.url, '/v1/tickets', { method: 'POST', headers: bearer(token) });
    expect(r.status).toBe(200);
    return r.json as { ticket: string; expiresIn: number };
  };

  it('a ticket is single use and bound to its user', async () => {
    const { ticket } = await mint(alice);
    const s = await openStream(server.url, `/v1/stream?ticket=${ticket}`);
    expect(s.status).toBe(200);
    const ready = await s.waitFor((e) => e.event === 'ready');
    s.close();
    expect(JSON.parse(ready.data).user).toBe('alice');
    const again = await openStream(server.url, `/v1/stream?ticket=${ticket}`);
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe('invalid_ticket');
  });

  it("a ticket carries its token's topics, no more", async () => {
    const { ticket } = await mint(alice);
    const s = await openStream(server.url, `/v1/stream?ticket=${ticket}&topics=team.b`);
    expect(s.status).toBe(403);
    expect(s.json.error.code).toBe('topic_forbidden');
  });

  it('a ticket lives at most its TTL (≤ 60 s; here 2 s) and a longer TTL is refused at start', async () => {
    const { ticket, expiresIn } = await mint(alice);
    expect(expiresIn).toBeLessThanOrEqual(2);
    await sleep(3_000);
    const late = await openStream(server.url, `/v1/stream?ticket=${ticket}`);
    expect(late.status).toBe(401);
    expect(late.json.error.code).toBe('invalid_ticket');
    const { code, output } = await runToExit({ HERALD_JWT_SECRET: SECRET, HERALD_API_KEYS: `${API_KEY}:publish`, HERALD_TICKET_TTL_S: '61' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/HERALD_TICKET_TTL_S/);
  }, 120_000);

  it('tickets are accepted only by the stream, and never written to the logs', async () => {
    const { ticket } = await mint(bob);
    const inbox = await call(server.url, `/v1/inbox?ticket=${ticket}`);
    expect(inbox.status).toBe(400);
    const s = await openStream(server.url, `/v1/stream?ticket=${ticket}`);
    expect(s.status).toBe(200);
    s.close();
    await sleep(200);
    expect(server.logs()).toContain('/v1/stream?ticket=[redacted]');
    expect(server.logs()).not.toContain(ticket);
  });
});

describe('inbox isolation', () => {
  it('a user can never read or change another user’s inbox', async () => {
    const carol = await hsToken(SECRET, { sub: 'carol' });
    const dave = await hsToken(SECRET, { sub: 'dave' });
    const daveStream = await openStream(server.url, '/v1/stream', { headers: bearer(dave) });
    await daveStream.waitFor((e) => e.event === 'ready');
    const pub = await publish(['carol'], 'for carol only');
    expect(pub.status).toBe(201);
    const carolId = pub.json.notifications[0].id as string;
    expect((await publish(['dave'], 'for dave')).status).toBe(201);
    await daveStream.waitFor((e) => e.event === 'notification');

    const list = await call(server.url, '/v1/inbox', { headers: bearer(dave) });
    expect(list.json.items.map((n: { recipient: string }) => n.recipient)).toEqual(['dave']);
    for (const action of ['read', 'seen', 'archive']) {
      const r = await call(server.url, `/v1/inbox/${action}`, { headers: bearer(dave), body: { ids: [carolId] } });
      expect(r.status).toBe(200);
      expect(r.json.changed).toBe(0);
    }
    const asked = await call(server.url, '/v1/inbox?user=carol', { headers: bearer(dave) });
    expect(asked.status).toBe(400);
    const carolList = await call(server.url, '/v1/inbox', { headers: bearer(carol) });
    expect(carolList.json.items).toHaveLength(1);
    expect(carolList.json.items[0]).toMatchObject({ id: carolId, title: 'for carol only' });
    expect(carolList.json.items[0].readAt).toBeUndefined();
    expect(carolList.json.items[0].archivedAt).toBeUndefined();
    daveStream.close();
    expect(daveStream.events.filter((e) => e.data.includes('for carol only'))).toEqual([]);
  });
});
