/**
 * One clock leeway (HERALD_JWT_LEEWAY_S) for every route and every credential that carries a
 * token's time: a token is honoured until `exp` plus the leeway on the inbox, for tickets (and the
 * stream a ticket opens), with a bearer or a cookie on the stream, and by an open stream; an
 * `iat` further in the future than the leeway is refused. Against the real `herald serve`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, sleep, type Reply } from './support/http.ts';
import { SECRET, startServer, type ServerHandle } from './support/server.ts';
import { hsToken, type Claims } from './support/tokens.ts';

const LEEWAY_S = 5;
let server: ServerHandle;

beforeAll(async () => {
  server = await startServer({ HERALD_JWT_SECRET: SECRET, HERALD_JWT_LEEWAY_S: String(LEEWAY_S), HERALD_API_KEYS: 'hk_clock_suite_key_000000000001:publish' });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const token = (c: Claims) => hsToken(SECRET, { sub: 'clock', ...c });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** What each route answers for one token: status and error code, the stream at its head. */
async function answers(t: string): Promise<Record<string, string>> {
  const show = (r: Pick<Reply, 'status' | 'json'>) => `${r.status} ${r.json?.error?.code ?? 'ok'}`;
  const inbox = await call(server.url, '/v1/inbox', { headers: bearer(t) });
  const cookieInbox = await call(server.url, '/v1/inbox', { headers: { cookie: `herald_token=${t}` } });
  const ticket = await call(server.url, '/v1/tickets', { method: 'POST', headers: bearer(t) });
  const stream = await openStream(server.url, '/v1/stream', { headers: bearer(t) });
  stream.close();
  const out: Record<string, string> = {
    '/v1/inbox': show(inbox),
    '/v1/inbox (cookie)': show(cookieInbox),
    '/v1/tickets': show(ticket),
    '/v1/stream': show(stream),
  };
  if (ticket.status === 200) {
    const byTicket = await openStream(server.url, `/v1/stream?ticket=${ticket.json.ticket}`);
    byTicket.close();
    out['/v1/stream?ticket'] = show(byTicket);
  }
  return out;
}

const OK = { '/v1/inbox': '200 ok', '/v1/inbox (cookie)': '200 ok', '/v1/tickets': '200 ok', '/v1/stream': '200 ok', '/v1/stream?ticket': '200 ok' };
const refused = (code: string) => ({ '/v1/inbox': `401 ${code}`, '/v1/inbox (cookie)': `401 ${code}`, '/v1/tickets': `401 ${code}`, '/v1/stream': `401 ${code}` });

describe('one clock leeway on every route', () => {
  it('a token that expired 2 s ago (inside the leeway) works on the inbox, tickets and the stream alike', async () => {
    expect(await answers(await token({ expIn: -2 }))).toEqual(OK);
  });

  it('a token that expired 10 s ago (past the leeway) is refused with token_expired on every route', async () => {
    expect(await answers(await token({ expIn: -10 }))).toEqual(refused('token_expired'));
  });

  it('a token issued 2 s in the future (inside the leeway) works on every route', async () => {
    expect(await answers(await token({ iatIn: 2 }))).toEqual(OK);
  });

  it('a token whose iat is further in the future than the leeway is refused with invalid_token on every route', async () => {
    expect(await answers(await token({ iatIn: 60 }))).toEqual(refused('invalid_token'));
  });

  it('a stream opened inside the leeway stays open until exp plus the leeway, then closes', async () => {
    const t = await token({ expIn: -2 });
    const exp = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).exp as number;
    const s = await openStream(server.url, '/v1/stream', { headers: bearer(t) });
    try {
      expect(s.status).toBe(200);
      await s.waitFor((e) => e.event === 'ready');
      // Closed at `exp` (already past) it would end within the expiry tick, well before this.
      await sleep(1200);
      expect(s.isEnded()).toBe(false);
      await Promise.race([s.ended, sleep(exp * 1000 + LEEWAY_S * 1000 + 3000 - Date.now())]);
      expect(s.isEnded()).toBe(true);
    } finally {
      s.close();
    }
  });
});
