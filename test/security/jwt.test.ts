/**
 * Security controls of subscriber JWTs (issue 6), against the real `herald serve` configured for
 * RS256 with a PEM public key, an audience and an issuer. One named test per control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, sleep } from './support/http.ts';
import { API_KEY, runToExit, startServer, SECRET, type ServerHandle } from './support/server.ts';
import { confusedToken, hsToken, noneToken, rsaKeys, rsToken, type Claims, type RsaKeys } from './support/tokens.ts';

const AUD = 'herald-sec';
const ISS = 'https://idp.example';
let keys: RsaKeys;
let server: ServerHandle;

const good = (c: Claims = {}) => rsToken(keys.privateKey, { sub: 'alice', aud: AUD, iss: ISS, ...c });
const counts = (token: string) => call(server.url, '/v1/inbox/counts', { headers: { authorization: `Bearer ${token}` } });
const publishTopic = (topic: string, event: string, data: unknown) =>
  call(server.url, `/v1/topics/${topic}/events`, { headers: { authorization: `Bearer ${API_KEY}` }, body: { event, data } });

beforeAll(async () => {
  keys = await rsaKeys();
  server = await startServer({
    HERALD_JWT_PUBLIC_KEY: keys.publicPem,
    HERALD_JWT_ALG: 'RS256',
    HERALD_JWT_AUDIENCE: AUD,
    HERALD_JWT_ISSUER: ISS,
    HERALD_JWT_LEEWAY_S: '5',
    HERALD_HEARTBEAT_MS: '1000',
    HERALD_API_KEYS: `${API_KEY}:publish+admin`,
  });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('JWT controls', () => {
  it('accepts a valid RS256 token (baseline for the refusals below)', async () => {
    const r = await counts(await good());
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ unread: 0, total: 0 });
  });

  it('alg is taken from config: alg=none is refused with 401 invalid_token', async () => {
    const r = await counts(noneToken({ sub: 'alice', aud: AUD, iss: ISS }));
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('invalid_token');
  });

  it('no HS/RS confusion: an HS256 token signed with the public key is refused with 401', async () => {
    const r = await counts(await confusedToken(keys.publicPem, { sub: 'alice', aud: AUD, iss: ISS }));
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('invalid_token');
    const r2 = await counts(await hsToken(SECRET, { sub: 'alice', aud: AUD, iss: ISS }));
    expect(r2.status).toBe(401);
  });

  it('a PEM public key with an HS algorithm refuses to start (exit ≠ 0, clear message)', async () => {
    const { code, output } = await runToExit({
      HERALD_JWT_PUBLIC_KEY: keys.publicPem,
      HERALD_JWT_ALG: 'HS256',
      HERALD_API_KEYS: `${API_KEY}:publish`,
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toMatch(/HERALD_JWT_ALG=HS256 is an HMAC algorithm/);
    expect(output).toMatch(/HS\/RS confusion/);
    expect(output).not.toMatch(/listening/);
  }, 120_000);

  it('exp is required: a token without exp is refused', async () => {
    const r = await counts(await good({ expIn: null }));
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('invalid_token');
  });

  it('an expired token is refused with 401 token_expired', async () => {
    const r = await counts(await good({ expIn: -120 }));
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('token_expired');
  });

  it('nbf is honoured: a token not valid for another minute is refused', async () => {
    const r = await counts(await good({ nbfIn: 60 }));
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('invalid_token');
  });

  it('clock leeway (5 s): exp 2 s ago and nbf 2 s ahead are accepted, 60 s off is not', async () => {
    expect((await counts(await good({ expIn: -2 }))).status).toBe(200);
    expect((await counts(await good({ nbfIn: 2 }))).status).toBe(200);
    expect((await counts(await good({ expIn: -60 }))).status).toBe(401);
  });

  it('aud is checked when configured: a wrong or missing audience is refused', async () => {
    const wrong = await counts(await good({ aud: 'another-service' }));
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('invalid_token');
    const missing = await counts(await rsToken(keys.privateKey, { sub: 'alice', iss: ISS }));
    expect(missing.status).toBe(401);
  });

  it('iss is checked when configured: a wrong issuer is refused', async () => {
    const r = await counts(await good({ iss: 'https://evil.example' }));
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('invalid_token');
  });

  it('a stream closes when its token expires (heartbeat wheel check)', async () => {
    const opened = Date.now();
    const s = await openStream(server.url, '/v1/stream', { headers: { authorization: `Bearer ${await good({ sub: 'expiring', expIn: 3 })}` } });
    expect(s.status).toBe(200);
    await s.waitFor((e) => e.event === 'ready');
    // A stream whose token never expires stays open: the wheel sends heartbeats instead.
    const long = await openStream(server.url, '/v1/stream', { headers: { authorization: `Bearer ${await good({ sub: 'expiring2' })}` } });
    try {
      await Promise.race([s.ended, sleep(20_000)]);
      expect(s.isEnded()).toBe(true);
      expect(Date.now() - opened).toBeGreaterThanOrEqual(1_500);
      expect(long.isEnded()).toBe(false);
    } finally {
      s.close();
      long.close();
    }
  }, 60_000);

  it("replay after reconnect is re-authorized with the new token's topics", async () => {
    const oldToken = await good({ sub: 'replayer', topics: ['orders.*'] });
    const newToken = await good({ sub: 'replayer', topics: [] });
    const auth = (t: string, last?: string) => ({ authorization: `Bearer ${t}`, ...(last ? { 'last-event-id': last } : {}) });

    const first = await openStream(server.url, '/v1/stream?topics=orders.1', { headers: auth(oldToken) });
    expect(first.status).toBe(200);
    await first.waitFor((e) => e.event === 'ready');
    expect((await publishTopic('orders.1', 'order', { n: 1 })).status).toBe(202);
    const seen = await first.waitFor((e) => e.event === 'order');
    first.close();
    expect((await publishTopic('orders.1', 'order', { n: 2 })).status).toBe(202);

    // Asking again for the topic with a token that no longer allows it: refused outright.
    const refused = await openStream(server.url, '/v1/stream?topics=orders.1', { headers: auth(newToken, seen.id) });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('topic_forbidden');

    // Resuming without the topic: the missed orders.1 event is not replayed.
    const resumed = await openStream(server.url, '/v1/stream', { headers: auth(newToken, seen.id) });
    expect(resumed.status).toBe(200);
    await resumed.waitFor((e) => e.event === 'ready');
    expect((await publishTopic('broadcast', 'marker', { end: true })).status).toBe(202);
    await resumed.waitFor((e) => e.event === 'marker');
    resumed.close();
    expect(resumed.events.filter((e) => e.event === 'order')).toEqual([]);

    // Control: the old token, still allowed, does get the missed event on resume.
    const allowed = await openStream(server.url, '/v1/stream?topics=orders.1', { headers: auth(oldToken, seen.id) });
    const missed = await allowed.waitFor((e) => e.event === 'order');
    allowed.close();
    expect(JSON.parse(missed.data)).toMatchObject({ topic: 'orders.1', data: { n: 2 } });
  });
});
