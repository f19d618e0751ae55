/**
 * Log redaction (issue 6, acceptance 3): a real server at debug level sees every kind of
 * credential, good and bad (API keys, bearer JWTs, the cookie, tickets, tokens wrongly put in
 * the query, Last-Event-ID); afterwards no secret value appears anywhere in its output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, sleep } from './support/http.ts';
import { API_KEY, OTHER_KEY, SECRET, startServer, type ServerHandle } from './support/server.ts';
import { hsToken } from './support/tokens.ts';

let server: ServerHandle;
const secrets = new Map<string, string>();
const remember = (what: string, value: string) => {
  secrets.set(what, value);
  // A JWT's signature alone is a credential fragment worth looking for too.
  const parts = value.split('.');
  if (parts.length === 3 && parts[2]!.length > 10) secrets.set(`${what} (signature)`, parts[2]!);
  return value;
};

beforeAll(async () => {
  server = await startServer({
    HERALD_JWT_SECRET: SECRET,
    HERALD_API_KEYS: `${API_KEY}:publish+admin,${OTHER_KEY}:admin`,
    HERALD_CORS_ORIGINS: 'https://app.example',
    HERALD_LOG_LEVEL: 'debug',
  });
  remember('jwt secret', SECRET);
  remember('api key', API_KEY);
  remember('admin-only api key', OTHER_KEY);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('log redaction', () => {
  it('no key, token, ticket or secret appears in the logs after using every credential', async () => {
    const base = server.url;
    const token = remember('user token', await hsToken(SECRET, { sub: 'alice', topics: ['**'] }));
    const cookieToken = remember('cookie token', await hsToken(SECRET, { sub: 'bob' }));
    const expired = remember('expired token', await hsToken(SECRET, { sub: 'alice', expIn: -600 }));
    const forged = remember('forged token', await hsToken('another-secret-another-secret-another!!', { sub: 'alice' }));
    const wrongKey = remember('wrong api key', 'hk_wrong_key_that_is_long_enough_123');
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

    // Publishers: good key, wrong key, admin-only key, admin endpoints.
    expect((await call(base, '/v1/notifications', { headers: bearer(API_KEY), body: { recipients: ['alice', 'bob'], title: 'hello' } })).status).toBe(201);
    expect((await call(base, '/v1/notifications', { headers: bearer(wrongKey), body: { recipients: ['alice'], title: 'x' } })).status).toBe(401);
    expect((await call(base, '/v1/notifications', { headers: bearer(OTHER_KEY), body: { recipients: ['alice'], title: 'x' } })).status).toBe(403);
    expect((await call(base, '/v1/stats', { headers: bearer(API_KEY) })).status).toBe(200);
    expect((await call(base, '/v1/presence?users=alice', { headers: { authorization: `Basic ${API_KEY}` } })).status).toBe(401);

    // Subscribers: bearer, cookie (read and refused write), bad tokens, tokens in the query.
    expect((await call(base, '/v1/inbox', { headers: bearer(token) })).status).toBe(200);
    expect((await call(base, '/v1/inbox/counts', { headers: { cookie: `herald_token=${cookieToken}` } })).status).toBe(200);
    expect((await call(base, '/v1/inbox/read', { headers: { cookie: `herald_token=${cookieToken}` }, body: { all: true } })).status).toBe(403);
    expect((await call(base, '/v1/inbox', { headers: bearer(expired) })).status).toBe(401);
    expect((await call(base, '/v1/inbox', { headers: bearer(forged) })).status).toBe(401);
    expect((await call(base, `/v1/stream?token=${token}`)).status).toBe(400);
    expect((await call(base, `/v1/inbox?access_token=${token}&limit=5`)).status).toBe(400);

    // Streams: bearer with Last-Event-ID, cookie, ticket (used, reused, malformed).
    const s1 = await openStream(base, '/v1/stream?topics=news', { headers: bearer(token) });
    const ready = await s1.waitFor((e) => e.event === 'ready');
    s1.close();
    const resumed = await openStream(base, `/v1/stream?lastEventId=${encodeURIComponent(ready.id!)}`, { headers: { ...bearer(token), 'last-event-id': ready.id! } });
    expect(resumed.status).toBe(200);
    resumed.close();
    const viaCookie = await openStream(base, '/v1/stream', { headers: { cookie: `herald_token=${cookieToken}` } });
    expect(viaCookie.status).toBe(200);
    viaCookie.close();
    const minted = await call(base, '/v1/tickets', { method: 'POST', headers: bearer(token) });
    const ticket = remember('ticket', minted.json.ticket);
    const viaTicket = await openStream(base, `/v1/stream?ticket=${ticket}`);
    expect(viaTicket.status).toBe(200);
    viaTicket.close();
    expect((await openStream(base, `/v1/stream?ticket=${ticket}`)).status).toBe(401);
    const unused = remember('unused ticket', (await call(base, '/v1/tickets', { method: 'POST', headers: { cookie: `herald_token=${cookieToken}`, origin: 'https://app.example' } })).json.ticket);
    expect((await call(base, `/v1/inbox?ticket=${unused}`)).status).toBe(400);
    expect((await openStream(base, `/v1/stream?ticket=${unused.slice(0, 20)}!!`)).status).toBe(401);

    await sleep(500); // let the child flush its last log lines
    const logs = server.logs();
    // The run was logged (so the absence below means something): requests and their redacted URLs.
    expect(logs).toMatch(/"url":"\/v1\/stream\?ticket=\[redacted\]"/);
    expect(logs).toMatch(/"url":"\/v1\/stream\?token=\[redacted\]"/);
    expect(logs.split('\n').length).toBeGreaterThan(30);
    for (const [what, value] of secrets) expect(logs.includes(value), `${what} leaked into the logs`).toBe(false);
  });
});
