/** Signs subscriber tokens for the tests: HS256 with a secret, RS256 with a generated key pair. */
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export interface Claims {
  sub?: string;
  topics?: string[];
  /** Seconds from now; `null` leaves `exp` out. Default 3600. */
  expIn?: number | null;
  /** Seconds from now. */
  nbfIn?: number;
  /** Seconds from now; default 0 (issued now). */
  iatIn?: number;
  aud?: string;
  iss?: string;
}

function build(c: Claims): SignJWT {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ topics: c.topics ?? [] }).setIssuedAt(now + (c.iatIn ?? 0));
  if (c.sub !== undefined) jwt.setSubject(c.sub);
  if (c.expIn !== null) jwt.setExpirationTime(now + (c.expIn ?? 3600));
  if (c.nbfIn !== undefined) jwt.setNotBefore(now + c.nbfIn);
  if (c.aud !== undefined) jwt.setAudience(c.aud);
  if (c.iss !== undefined) jwt.setIssuer(c.iss);
  return jwt;
}

export function hsToken(secret: string, c: Claims): Promise<string> {
  return build(c).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

export interface RsaKeys {
  privateKey: CryptoKey;
  publicPem: string;
  publicJwk: JWK;
}

export async function rsaKeys(): Promise<RsaKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, publicPem: await exportSPKI(publicKey), publicJwk: await exportJWK(publicKey) };
}

export function rsToken(key: CryptoKey, c: Claims, header: Record<string, unknown> = {}): Promise<string> {
  return build(c).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header }).sign(key);
}

/** An unsigned `alg: none` token with the given claims. */
export function noneToken(c: Claims): string {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { sub: c.sub, topics: c.topics ?? [], iat: now, exp: now + 3600, aud: c.aud, iss: c.iss };
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

/**
 * The classic HS/RS confusion: an HS256 token whose HMAC key is the server's RSA public key
 * (PEM text), which an attacker can read.
 */
export function confusedToken(publicPem: string, c: Claims): Promise<string> {
  return build(c).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(publicPem));
}
