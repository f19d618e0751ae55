/**
 * JWKS controls (issue 6): keys chosen by `kid`, cached, refetched on rotation; `jku`/`x5u`
 * never followed. In-process Herald on real HTTP, because the CLI does not expose the JWKS
 * cooldown (30 s by default) that a rotation test would otherwise wait out.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { buildApp, type InProcess } from './support/app.ts';
import { call } from './support/http.ts';
import { rsaKeys, rsToken, type RsaKeys } from './support/tokens.ts';

interface KeyServer {
  url: string;
  hits: string[];
  keys: JWK[];
  close(): Promise<void>;
}

async function keyServer(): Promise<KeyServer> {
  const ks: Partial<KeyServer> = { hits: [], keys: [] };
  const srv = http.createServer((req, res) => {
    ks.hits!.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: ks.keys }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address() as { port: number };
  ks.url = `http://127.0.0.1:${addr.port}`;
  ks.close = () => new Promise((r) => srv.close(() => r()));
  return ks as KeyServer;
}

let idp: KeyServer;
let attacker: KeyServer;
let k1: RsaKeys;
let k2: RsaKeys;
let evil: RsaKeys;
let herald: InProcess;

beforeAll(async () => {
  [idp, attacker, k1, k2, evil] = await Promise.all([keyServer(), keyServer(), rsaKeys(), rsaKeys(), rsaKeys()]);
  idp.keys = [{ ...k1.publicJwk, kid: 'k1', alg: 'RS256', use: 'sig' }];
  attacker.keys = [{ ...evil.publicJwk, kid: 'evil', alg: 'RS256', use: 'sig' }];
  herald = await buildApp({ jwt: { alg: 'RS256', jwksUrl: `${idp.url}/jwks.json`, jwksCooldownMs: 200, jwksCacheMaxAgeMs: 60_000 } });
  await herald.listen();
}, 120_000);
afterAll(async () => {
  await herald?.close();
  await idp?.close();
  await attacker?.close();
});

const counts = (token: string) => call(herald.url, '/v1/inbox/counts', { headers: { authorization: `Bearer ${token}` } });

describe('JWKS controls', () => {
  it('picks the key by kid and caches the set (one fetch for many verifications)', async () => {
    const token = await rsToken(k1.privateKey, { sub: 'alice' }, { kid: 'k1' });
    for (let i = 0; i < 10; i++) expect((await counts(token)).status).toBe(200);
    expect(idp.hits).toEqual(['/jwks.json']);
    // A kid that the set does not hold is refused, not matched to another key.
    const wrongKid = await rsToken(k2.privateKey, { sub: 'alice' }, { kid: 'k1' });
    expect((await counts(wrongKid)).status).toBe(401);
  });

  it('follows a key rotation: an unknown kid refetches the set once', async () => {
    idp.keys = [{ ...k2.publicJwk, kid: 'k2', alg: 'RS256', use: 'sig' }];
    await new Promise((r) => setTimeout(r, 300)); // past the 200 ms cooldown
    const before = idp.hits.length;
    const rotated = await rsToken(k2.privateKey, { sub: 'alice' }, { kid: 'k2' });
    expect((await counts(rotated)).status).toBe(200);
    expect((await counts(rotated)).status).toBe(200);
    expect(idp.hits.length - before).toBe(1);
  });

  it('never fetches keys named by unverified claims (jku, x5u): such a token is refused', async () => {
    const token = await rsToken(evil.privateKey, { sub: 'mallory' }, { kid: 'evil', jku: `${attacker.url}/jwks.json`, x5u: `${attacker.url}/cert.pem` });
    const r = await counts(token);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('invalid_token');
    expect(attacker.hits).toEqual([]);
  });
});
