import { describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { signDevToken } from './dev-token.ts';
import { createJwtVerifier } from './jwt.ts';

const SECRET = 'dev-secret-dev-secret-dev-secret-dev!';

describe('signDevToken', () => {
  it('signs an HS256 token the verifier accepts, with sub, topics and exp', async () => {
    const now = 1_800_000_000_000;
    const token = await signDevToken({ secret: SECRET, sub: 'alice', topics: ['orders.*'], ttlS: 120, now, audience: 'herald', issuer: 'dev' });
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const v = createJwtVerifier({ secret: SECRET, alg: 'HS256', audience: 'herald', issuer: 'dev' });
    // expiresAt includes the verifier's default 5 s clock leeway.
    expect(await v.verify(token, now)).toEqual({ user: 'alice', topics: ['orders.*'], expiresAt: now + 125_000 });
    await expect(v.verify(token, now + 130_000)).rejects.toMatchObject({ code: 'token_expired' });
  });
});
