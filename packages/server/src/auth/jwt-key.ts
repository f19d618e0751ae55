/**
 * JWT key material, checked against the configured algorithm. The algorithm always comes from
 * configuration, and a key may only be used with an algorithm of its own kind: an HMAC algorithm
 * with a PEM public key is the classic HS/RS confusion (the public key becomes the HMAC secret, and
 * anyone can sign), so it is refused before anything runs.
 */
import { createPublicKey } from 'node:crypto';

/** Every JWS algorithm Herald accepts in configuration. `none` is deliberately absent. */
export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** HMAC secrets shorter than this are refused (RFC 7518 §3.2 asks for at least the hash size). */
export const MIN_SECRET_BYTES = 32;

export function isJwtAlgorithm(value: string): value is JwtAlgorithm {
  return (JWT_ALGORITHMS as readonly string[]).includes(value);
}

export function isHmac(alg: JwtAlgorithm): boolean {
  return alg.startsWith('HS');
}

/** Where the verification key comes from. Exactly one is set. */
export interface JwtKeySource {
  secret?: string;
  publicKey?: string;
  jwksUrl?: string;
}

/**
 * Every reason the key configuration cannot work with `alg`, as user-facing sentences naming the
 * settings. Empty when it is fine. Pure apart from parsing the PEM; shared by `loadConfig` (which
 * lists all errors at once) and `createJwtVerifier` (which throws the first).
 */
export function jwtKeyProblems(alg: string, src: JwtKeySource): string[] {
  if (!isJwtAlgorithm(alg)) {
    return [`HERALD_JWT_ALG must be one of ${JWT_ALGORITHMS.join(', ')}, got "${alg}"`];
  }
  const given = (['secret', 'publicKey', 'jwksUrl'] as const).filter((k) => src[k] !== undefined && src[k] !== '');
  if (given.length === 0) return ['no JWT key: set HERALD_JWT_SECRET, HERALD_JWT_PUBLIC_KEY or HERALD_JWKS_URL'];
  if (given.length > 1) {
    return ['set only one of HERALD_JWT_SECRET, HERALD_JWT_PUBLIC_KEY and HERALD_JWKS_URL'];
  }
  if (isHmac(alg)) {
    if (src.secret === undefined) {
      return [`HERALD_JWT_ALG=${alg} is an HMAC algorithm and needs HERALD_JWT_SECRET; an HMAC algorithm with a public key would let anyone sign tokens (HS/RS confusion)`];
    }
    if (Buffer.byteLength(src.secret, 'utf8') < MIN_SECRET_BYTES) {
      return [`HERALD_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes long`];
    }
    return [];
  }
  if (src.secret !== undefined) {
    return [`HERALD_JWT_ALG=${alg} is an asymmetric algorithm and needs HERALD_JWT_PUBLIC_KEY or HERALD_JWKS_URL, not HERALD_JWT_SECRET`];
  }
  if (src.publicKey !== undefined) return publicKeyProblems(alg, src.publicKey);
  return [];
}

function publicKeyProblems(alg: JwtAlgorithm, pem: string): string[] {
  if (/PRIVATE KEY/.test(pem)) {
    return ['HERALD_JWT_PUBLIC_KEY holds a private key; give Herald only the public key (BEGIN PUBLIC KEY)'];
  }
  let type: string | undefined;
  let curve: string | undefined;
  try {
    const key = createPublicKey(pem);
    type = key.asymmetricKeyType;
    curve = key.asymmetricKeyDetails?.namedCurve;
  } catch {
    return ['HERALD_JWT_PUBLIC_KEY is not a PEM public key or certificate'];
  }
  const want = expectedKey(alg);
  if (!want.types.includes(type ?? '') || (want.curve !== undefined && want.curve !== curve)) {
    const have = curve ? `${type} ${curve}` : type;
    return [`HERALD_JWT_PUBLIC_KEY is a ${have} key, which cannot verify ${alg}; set HERALD_JWT_ALG to match the key`];
  }
  return [];
}

function expectedKey(alg: JwtAlgorithm): { types: string[]; curve?: string } {
  if (alg.startsWith('RS')) return { types: ['rsa'] };
  if (alg.startsWith('PS')) return { types: ['rsa', 'rsa-pss'] };
  if (alg === 'ES256') return { types: ['ec'], curve: 'prime256v1' };
  if (alg === 'ES384') return { types: ['ec'], curve: 'secp384r1' };
  if (alg === 'ES512') return { types: ['ec'], curve: 'secp521r1' };
  return { types: ['ed25519'] };
}
