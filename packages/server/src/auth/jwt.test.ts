import { describe, expect, it, vi, beforeAll, afterEach } from 'vitest';
import { exportSPKI, generateKeyPair, SignJWT, base64url, type CryptoKey } from 'jose';
import { createJwtVerifier } from './jwt.ts';
import type { JwtAlgorithm } from './jwt-key.ts';
import { code } from './fixtures/error-code.ts';

const SECRET = 'a-test-secret-that-is-long-enough-32b!';
const NOW = 1_800_000_000_000;
const nowS = NOW / 1000;
const enc = new TextEncoder();

async function hs(claims: Record<string, unknown>, opts: { secret?: string; alg?: string; exp?: number | null } = {}) {
  const jwt = new SignJWT({ sub: 'alice', ...claims }).setProtectedHeader({ alg: opts.alg ?? 'HS256' });
  if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? nowS + 600);
  return jwt.sign(enc.encode(opts.secret ?? SECRET));
}


const keys: Record<string, { publicKey: CryptoKey; privateKey: CryptoKey; pem: string }> = {};
beforeAll(async () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    const pair = await generateKeyPair(alg, { extractable: true });
    keys[alg] = { ...pair, pem: await exportSPKI(pair.publicKey) };
  }
});

describe('HS256', () => {
  const v = () => createJwtVerifier({ secret: SECRET, alg: 'HS256' });

  it('accepts a valid token and reads sub, topics and exp (expiresAt is exp plus the 5 s leeway)', async () => {
    const token = await hs({ topics: ['orders.*', 'news'] });
    expect(await v().verify(token, NOW)).toEqual({ user: 'alice', topics: ['orders.*', 'news'], expiresAt: (nowS + 600 + 5) * 1000 });
  });

  it('the principal is honoured exactly as long as the token: until exp plus the leeway', async () => {
    for (const leeway of [0, 5, 60]) {
      const c = createJwtVerifier({ secret: SECRET, alg: 'HS256', clockToleranceS: leeway });
      const token = await hs({}, { exp: nowS + 10 });
      const p = await c.verify(token, NOW);
      expect(p.expiresAt).toBe(NOW + 10_000 + leeway * 1000);
      expect((await c.verify(token, p.expiresAt - 1000)).user).toBe('alice');
      expect(await code(c.verify(token, p.expiresAt + 1000))).toBe('token_expired');
    }
  });

  it('refuses an iat further in the future than the leeway, accepts one inside it', async () => {
    expect((await v().verify(await hs({ iat: nowS + 4 }), NOW)).user).toBe('alice');
    expect(await code(v().verify(await hs({ iat: nowS + 6 }), NOW))).toBe('invalid_token');
    expect(await code(v().verify(await hs({ iat: nowS + 3600 }), NOW))).toBe('invalid_token');
    const strict = createJwtVerifier({ secret: SECRET, alg: 'HS256', clockToleranceS: 0 });
    expect(await code(strict.verify(await hs({ iat: nowS + 1 }), NOW))).toBe('invalid_token');
  });

  it('refuses a sub that is not storable text (NUL, unpaired surrogates) with invalid_token', async () => {
    for (const sub of ['victim\u0000', 'victim\ud800', 'victim\udfff', 'victim\ude00\ud83d']) {
      expect(await code(v().verify(await hs({ sub }), NOW))).toBe('invalid_token');
    }
    expect((await v().verify(await hs({ sub: 'victim\ufffd😀' }), NOW)).user).toBe('victim\ufffd😀');
  });

  it('reads a space or comma separated topics string, and defaults to none', async () => {
    expect((await v().verify(await hs({ topics: 'a.* b,c' }), NOW)).topics).toEqual(['a.*', 'b', 'c']);
    expect((await v().verify(await hs({}), NOW)).topics).toEqual([]);
  });

  it('refuses a malformed topics claim', async () => {
    expect(await code(v().verify(await hs({ topics: ['ok', 'bad pattern!'] }), NOW))).toBe('invalid_token');
    expect(await code(v().verify(await hs({ topics: 42 }), NOW))).toBe('invalid_token');
  });

  it('refuses alg=none', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const body = base64url.encode(JSON.stringify({ sub: 'alice', exp: nowS + 600 }));
    expect(await code(v().verify(`${header}.${body}.`, NOW))).toBe('invalid_token');
  });

  it('refuses a token signed with another secret or another HMAC algorithm', async () => {
    expect(await code(v().verify(await hs({}, { secret: 'another-secret-that-is-long-enough-xx' }), NOW))).toBe('invalid_token');
    expect(await code(v().verify(await hs({}, { alg: 'HS512' }), NOW))).toBe('invalid_token');
  });

  it('refuses an expired token with token_expired, honouring the leeway', async () => {
    const token = await hs({}, { exp: nowS - 3 });
    expect((await v().verify(token, NOW)).user).toBe('alice'); // within the default 5 s
    expect(await code(v().verify(token, NOW + 10_000))).toBe('token_expired');
    const strict = createJwtVerifier({ secret: SECRET, alg: 'HS256', clockToleranceS: 0 });
    expect(await code(strict.verify(token, NOW))).toBe('token_expired');
    const loose = createJwtVerifier({ secret: SECRET, alg: 'HS256', clockToleranceS: 60 });
    expect((await loose.verify(token, NOW + 30_000)).user).toBe('alice');
  });

  it('requires exp', async () => {
    expect(await code(v().verify(await hs({}, { exp: null }), NOW))).toBe('invalid_token');
  });

  it('honours nbf', async () => {
    const token = await hs({ nbf: nowS + 60 });
    expect(await code(v().verify(token, NOW))).toBe('invalid_token');
    expect((await v().verify(token, NOW + 61_000)).user).toBe('alice');
  });

  it('checks aud and iss when configured', async () => {
    const c = createJwtVerifier({ secret: SECRET, alg: 'HS256', audience: 'herald', issuer: 'https://auth.example' });
    expect((await c.verify(await hs({ aud: 'herald', iss: 'https://auth.example' }), NOW)).user).toBe('alice');
    expect((await c.verify(await hs({ aud: ['x', 'herald'], iss: 'https://auth.example' }), NOW)).user).toBe('alice');
    expect(await code(c.verify(await hs({ aud: 'other', iss: 'https://auth.example' }), NOW))).toBe('invalid_token');
    expect(await code(c.verify(await hs({ aud: 'herald', iss: 'https://evil.example' }), NOW))).toBe('invalid_token');
    expect(await code(c.verify(await hs({ iss: 'https://auth.example' }), NOW))).toBe('invalid_token');
  });

  it('requires sub to be a valid user id', async () => {
    expect(await code(v().verify(await hs({ sub: undefined }), NOW))).toBe('invalid_token');
    expect(await code(v().verify(await hs({ sub: 'a,b' }), NOW))).toBe('invalid_token');
    expect(await code(v().verify(await hs({ sub: 'a\nb' }), NOW))).toBe('invalid_token');
  });

  it('refuses garbage and oversized tokens', async () => {
    for (const t of ['', 'abc', 'a.b.c', 'x'.repeat(9000)]) expect(await code(v().verify(t, NOW))).toBe('invalid_token');
  });
});

describe('asymmetric algorithms with a PEM key', () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`${alg}: accepts its own tokens, refuses another key's`, async () => {
      const v = createJwtVerifier({ publicKey: keys[alg].pem, alg });
      const good = await new SignJWT({ sub: 'bob' }).setProtectedHeader({ alg }).setExpirationTime(nowS + 60).sign(keys[alg].privateKey);
      expect((await v.verify(good, NOW)).user).toBe('bob');
      const other = await generateKeyPair(alg);
      const bad = await new SignJWT({ sub: 'bob' }).setProtectedHeader({ alg }).setExpirationTime(nowS + 60).sign(other.privateKey);
      expect(await code(v.verify(bad, NOW))).toBe('invalid_token');
    });
  }

  it('refuses an HS256 token signed with the PEM text as secret (HS/RS confusion)', async () => {
    const v = createJwtVerifier({ publicKey: keys.RS256.pem, alg: 'RS256' });
    const forged = await hs({}, { secret: keys.RS256.pem });
    expect(await code(v.verify(forged, NOW))).toBe('invalid_token');
    const plain = await hs({});
    expect(await code(v.verify(plain, NOW))).toBe('invalid_token');
  });

  it('refuses a token whose header names another asymmetric alg', async () => {
    const v = createJwtVerifier({ publicKey: keys.RS256.pem, alg: 'RS256' });
    const es = await new SignJWT({ sub: 'bob' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime(nowS + 60).sign(keys.ES256.privateKey);
    expect(await code(v.verify(es, NOW))).toBe('invalid_token');
  });
});

describe('configuration refusals at creation', () => {
  const refuses = (o: Parameters<typeof createJwtVerifier>[0], msg: RegExp) => expect(() => createJwtVerifier(o)).toThrow(msg);

  it('refuses alg=none and unknown algorithms', () => {
    refuses({ secret: SECRET, alg: 'none' as JwtAlgorithm }, /HERALD_JWT_ALG must be one of/);
    refuses({ secret: SECRET, alg: 'HS1' as JwtAlgorithm }, /HERALD_JWT_ALG/);
  });
  it('refuses an HMAC algorithm with a PEM key', () => {
    refuses({ publicKey: keys.RS256.pem, alg: 'HS256' }, /HS\/RS confusion/);
  });
  it('refuses an HMAC algorithm with a JWKS URL or without a secret', () => {
    refuses({ jwksUrl: 'https://auth.example/jwks.json', alg: 'HS256' }, /needs HERALD_JWT_SECRET/);
  });
  it('refuses an asymmetric algorithm with only a secret', () => {
    refuses({ secret: SECRET, alg: 'RS256' }, /not HERALD_JWT_SECRET/);
    refuses({ secret: SECRET, alg: 'EdDSA' }, /not HERALD_JWT_SECRET/);
  });
  it('refuses a short secret', () => {
    refuses({ secret: 'short', alg: 'HS256' }, /at least 32 bytes/);
  });
  it('refuses a key of another kind than alg, a private key, and garbage', async () => {
    refuses({ publicKey: keys.ES256.pem, alg: 'RS256' }, /ec prime256v1 key, which cannot verify RS256/);
    refuses({ publicKey: keys.RS256.pem, alg: 'EdDSA' }, /cannot verify EdDSA/);
    refuses({ publicKey: '-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----', alg: 'RS256' }, /private key/);
    refuses({ publicKey: 'not a pem', alg: 'RS256' }, /not a PEM/);
  });
  it('refuses two key sources or none', () => {
    refuses({ secret: SECRET, publicKey: keys.RS256.pem, alg: 'RS256' }, /only one/);
    refuses({ alg: 'RS256' }, /no JWT key/);
  });
});

describe('key import is done once', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const alg of ['HS256', 'RS256'] as const) {
    it(`${alg}: no key import per verify`, async () => {
      const token =
        alg === 'HS256'
          ? await hs({})
          : await new SignJWT({ sub: 'bob' }).setProtectedHeader({ alg }).setExpirationTime(nowS + 60).sign(keys.RS256.privateKey);
      const spy = vi.spyOn(crypto.subtle, 'importKey');
      const v =
        alg === 'HS256' ? createJwtVerifier({ secret: SECRET, alg }) : createJwtVerifier({ publicKey: keys.RS256.pem, alg });
      await v.verify(token, NOW);
      const afterFirst = spy.mock.calls.length;
      expect(afterFirst).toBeLessThanOrEqual(1);
      for (let i = 0; i < 20; i++) await v.verify(token, NOW);
      expect(spy.mock.calls.length).toBe(afterFirst);
    });
  }
});

describe('verified-token cache', () => {
  it('answers a repeated token without verifying it again, and still refuses it once expired', async () => {
    const verifier = createJwtVerifier({ secret: SECRET, alg: 'HS256' });
    const token = await hs({}, { exp: nowS + 30 });
    const spy = vi.spyOn(crypto.subtle, 'verify');
    try {
      const first = await verifier.verify(token, NOW);
      const second = await verifier.verify(token, NOW + 1000);
      expect(second).toEqual(first);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(await code(verifier.verify(token, NOW + 31_000 + 5_000 + 1))).toBe('token_expired');
    } finally {
      spy.mockRestore();
    }
  });

  it('never lets a token that differs from a cached one in any byte through', async () => {
    const verifier = createJwtVerifier({ secret: SECRET, alg: 'HS256' });
    const token = await hs({});
    await verifier.verify(token, NOW);
    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expect(await code(verifier.verify(tampered, NOW))).toBe('invalid_token');
  });
});
