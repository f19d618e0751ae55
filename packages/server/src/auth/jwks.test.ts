/**
 * JWKS verification against a real JWKS served by node:http on a free loopback port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createJwtVerifier } from './jwt.ts';
import { code } from './fixtures/error-code.ts';

const NOW = Date.now();
const nowS = Math.floor(NOW / 1000);

interface JwksServer {
  url: string;
  hits: () => number;
  setKeys: (keys: JWK[]) => void;
  setStatus: (status: number) => void;
  close: () => Promise<void>;
}

async function serveJwks(initial: JWK[]): Promise<JwksServer> {
  let keys = initial;
  let status = 200;
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    setKeys: (k) => void (keys = k),
    setStatus: (s) => void (status = s),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
  const pair = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
  return { privateKey: pair.privateKey, jwk };
}

function sign(key: CryptoKey, alg: string, kid: string, extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  return new SignJWT({ sub: 'carol', ...extra }).setProtectedHeader({ alg, kid, ...header }).setExpirationTime(nowS + 600).sign(key);
}


describe('JWKS', () => {
  let jwks: JwksServer;
  let attacker: JwksServer;
  let k1: Awaited<ReturnType<typeof keyPair>>;
  let k2: Awaited<ReturnType<typeof keyPair>>;

  beforeAll(async () => {
    k1 = await keyPair('RS256', 'k1');
    k2 = await keyPair('RS256', 'k2');
    jwks = await serveJwks([k1.jwk]);
    attacker = await serveJwks([]);
  });
  afterAll(async () => {
    await jwks.close();
    await attacker.close();
  });

  it('verifies by kid, caches the set, and follows a key rotation', async () => {
    jwks.setKeys([k1.jwk]);
    const v = createJwtVerifier({ jwksUrl: jwks.url, alg: 'RS256', jwksCooldownMs: 0 });
    const start = jwks.hits();
    const t1 = await sign(k1.privateKey, 'RS256', 'k1', { topics: ['a'] });
    expect(await v.verify(t1)).toMatchObject({ user: 'carol', topics: ['a'] });
    for (let i = 0; i < 10; i++) await v.verify(t1);
    expect(jwks.hits() - start).toBe(1); // cached

    // Rotation: the issuer publishes k2 and signs with it; an unknown kid triggers one refetch.
    jwks.setKeys([k1.jwk, k2.jwk]);
    const t2 = await sign(k2.privateKey, 'RS256', 'k2');
    expect((await v.verify(t2)).user).toBe('carol');
    expect(jwks.hits() - start).toBe(2);

    // k1 retired: once the set is refetched, tokens signed by k1 stop verifying.
    jwks.setKeys([k2.jwk]);
    const t3 = await sign(k1.privateKey, 'RS256', 'k-unknown');
    expect(await code(v.verify(t3))).toBe('invalid_token');
    expect(jwks.hits() - start).toBe(3);
  });

  it('does not refetch more than once per cooldown on unknown kids', async () => {
    jwks.setKeys([k1.jwk]);
    const v = createJwtVerifier({ jwksUrl: jwks.url, alg: 'RS256', jwksCooldownMs: 60_000 });
    const start = jwks.hits();
    expect((await v.verify(await sign(k1.privateKey, 'RS256', 'k1'))).user).toBe('carol');
    for (let i = 0; i < 5; i++) {
      expect(await code(v.verify(await sign(k2.privateKey, 'RS256', `nope-${i}`)))).toBe('invalid_token');
    }
    expect(jwks.hits() - start).toBe(1);
  });

  it('never fetches keys named by the token (jku, x5u) and refuses a self-signed token', async () => {
    const evil = await keyPair('RS256', 'evil');
    attacker.setKeys([evil.jwk]);
    jwks.setKeys([k1.jwk]);
    const v = createJwtVerifier({ jwksUrl: jwks.url, alg: 'RS256', jwksCooldownMs: 0 });
    const token = await sign(evil.privateKey, 'RS256', 'evil', {}, { jku: attacker.url, x5u: attacker.url, jwk: evil.jwk });
    const before = attacker.hits();
    expect(await code(v.verify(token))).toBe('invalid_token');
    expect(attacker.hits()).toBe(before);
  });

  it('refuses a token whose alg differs from the configured one, even with a known kid', async () => {
    const es = await keyPair('ES256', 'es');
    jwks.setKeys([k1.jwk, es.jwk]);
    const v = createJwtVerifier({ jwksUrl: jwks.url, alg: 'RS256', jwksCooldownMs: 0 });
    expect(await code(v.verify(await sign(es.privateKey, 'ES256', 'es')))).toBe('invalid_token');
  });

  it('answers unavailable (503) when the JWKS cannot be fetched', async () => {
    const down = await serveJwks([k1.jwk]);
    down.setStatus(500);
    const v = createJwtVerifier({ jwksUrl: down.url, alg: 'RS256', jwksCooldownMs: 0 });
    expect(await code(v.verify(await sign(k1.privateKey, 'RS256', 'k1')))).toBe('unavailable');
    await down.close();
    const v2 = createJwtVerifier({ jwksUrl: down.url, alg: 'RS256', jwksCooldownMs: 0 });
    expect(await code(v2.verify(await sign(k1.privateKey, 'RS256', 'k1')))).toBe('unavailable');
  });

  it('uses an injected fetch', async () => {
    const urls: string[] = [];
    const fetchSpy: typeof fetch = async (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    jwks.setKeys([k1.jwk]);
    const v = createJwtVerifier({ jwksUrl: jwks.url, alg: 'RS256', fetch: fetchSpy });
    expect((await v.verify(await sign(k1.privateKey, 'RS256', 'k1'))).user).toBe('carol');
    expect(urls).toEqual([jwks.url]);
  });
});
