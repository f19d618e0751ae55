/**
 * What a subscriber token must look like before it is verified or remembered. A holder of one
 * valid token must not be able to turn it into many: the verifier remembers verified tokens by
 * their text, and a JWS library that tolerates whitespace or padding inside a segment would
 * accept thousands of spellings of one token, each a new cache entry of up to 8 KiB (a cookie
 * can carry them: its value is percent-decoded). And a claim at the edge of what JSON numbers
 * hold must give the same answer on every store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type InProcess } from './support/app.ts';
import { call, openStream } from './support/http.ts';
import { SECRET } from './support/server.ts';
import { storeKinds, useAppOn } from './support/store-kinds.ts';
import { hsToken } from './support/tokens.ts';
import { SignJWT } from 'jose';

const counts = (h: InProcess, headers: Record<string, string>) => call(h.url, '/v1/inbox/counts', { headers });

describe('token shape', () => {
  let h: InProcess;
  let token: string;
  beforeAll(async () => {
    h = await buildApp();
    await h.listen();
    token = await hsToken(SECRET, { sub: 'alice' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the token as issued is accepted from the header and from the cookie (baseline)', async () => {
    expect((await counts(h, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await counts(h, { cookie: `herald_token=${token}` })).status).toBe(200);
  });

  const SPELLINGS: Record<string, (t: string) => string> = {
    'a space inside the signature': (t) => `${t.slice(0, -5)}%20${t.slice(-5)}`,
    'a tab inside the signature': (t) => `${t.slice(0, -5)}%09${t.slice(-5)}`,
    'line feeds after the signature': (t) => `${t}%0A%0A`,
    'a raw space inside the signature': (t) => `${t.slice(0, -5)} ${t.slice(-5)}`,
    'base64 padding after the signature': (t) => `${t}=`,
    'padding after the payload': (t) => t.replace(/^([^.]+\.[^.]+)\./, '$1=.'),
  };

  for (const [name, respell] of Object.entries(SPELLINGS)) {
    it(`a valid token respelled with ${name} is refused with 401 invalid_token`, async () => {
      const r = await counts(h, { cookie: `herald_token=${respell(token)}` });
      expect({ status: r.status, code: r.json?.error?.code }).toEqual({ status: 401, code: 'invalid_token' });
    });
  }
});

/** A token whose `exp` is far beyond any date a JavaScript Date or a store can hold. */
async function farFuture(sub: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub, iat: now, exp: 1e308 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
}

for (const kind of await storeKinds()) {
  describe.skipIf(kind.skip)(`claims at the edge of JSON numbers, on the ${kind.name} store`, () => {
    const app = useAppOn(kind);

    it('a token with an exp beyond any date gets a ticket that opens a stream', async () => {
      const issued = await call(app().url, '/v1/tickets', { method: 'POST', headers: { authorization: `Bearer ${await farFuture('alice')}` } });
      expect(issued.status).toBe(200);
      const s = await openStream(app().url, `/v1/stream?ticket=${issued.json.ticket}`, { timeoutMs: 5000 });
      s.close();
      expect({ status: s.status, code: s.json?.error?.code }).toEqual({ status: 200, code: undefined });
    });
  });
}
