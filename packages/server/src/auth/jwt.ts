/**
 * Subscriber JWT verification (DESIGN §3, issue 6). The algorithm comes only from configuration;
 * the key is imported once at creation, because `verify` runs on every stream open and inbox call.
 */
import { createRemoteJWKSet, customFetch, errors, importSPKI, importX509, jwtVerify, type CryptoKey, type JWTVerifyGetKey } from 'jose';
import { HeraldError, isUserId } from '@herald/protocol';
import { isHmac, jwtKeyProblems, type JwtAlgorithm } from './jwt-key.ts';
import { parseTopicsClaim, type UserPrincipal } from './principal.ts';

export interface JwtVerifierOptions {
  /** HMAC secret (HS*), at least 32 bytes. */
  secret?: string;
  /** PEM public key (SPKI) or X.509 certificate (RS*, PS*, ES*, EdDSA). */
  publicKey?: string;
  /** JWKS URL (asymmetric algorithms); keys are chosen by `kid` and cached. */
  jwksUrl?: string;
  /** The only algorithm accepted. Never read from the token. */
  alg: JwtAlgorithm;
  /** When set, the token's `aud` must contain it. */
  audience?: string;
  /** When set, the token's `iss` must equal it. */
  issuer?: string;
  /**
   * Clock leeway, seconds, default 5: the one tolerance for clock skew between the token issuer
   * and Herald. It applies to `exp`, `nbf` and `iat` here, and through the principal's
   * `expiresAt` (which includes it) to tickets and to open streams.
   */
  clockToleranceS?: number;
  /** Fetch used for the JWKS (tests inject one). Default the global fetch. */
  fetch?: typeof fetch;
  /** Minimum time between two JWKS fetches, e.g. on an unknown `kid`. Default 30 000 ms. */
  jwksCooldownMs?: number;
  /** A cached JWKS older than this is refetched. Default 600 000 ms. */
  jwksCacheMaxAgeMs?: number;
  /** JWKS request timeout. Default 5 000 ms. */
  jwksTimeoutMs?: number;
}

type Defaulted = 'clockToleranceS' | 'jwksCooldownMs' | 'jwksCacheMaxAgeMs' | 'jwksTimeoutMs';
type ResolvedOptions = JwtVerifierOptions & Required<Pick<JwtVerifierOptions, Defaulted>>;

const DEFAULTS: Required<Pick<JwtVerifierOptions, Defaulted>> = {
  clockToleranceS: 5,
  jwksCooldownMs: 30_000,
  jwksCacheMaxAgeMs: 600_000,
  jwksTimeoutMs: 5_000,
};

/** Longer tokens are refused before any parsing: a cheap guard against oversized input. */
const MAX_TOKEN_LENGTH = 8192;
/**
 * A compact JWS exactly as issuers write it (RFC 7515 §7.1): three unpadded base64url segments.
 * jose decodes with `atob`, which skips whitespace and accepts padding, so without this one
 * token could be respelled in countless ways that all verify (a cookie's value is
 * percent-decoded, so `%20` puts a space inside it), and each spelling would be a new entry
 * of up to 8 KiB in the verified-token cache.
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/**
 * The latest instant a Date can hold (ECMA-262 §21.4.1.22). A later `exp` (1e308 is a valid
 * NumericDate) would make `expiresAt` Infinity, which JSON stores as null: a ticket issued for
 * it would then be refused by the SQLite and Postgres stores and accepted by the memory one.
 */
const LATEST_MS = 8.64e15;

export interface JwtVerifier {
  /** Verifies a compact JWS; `now` (epoch ms) defaults to the current time. */
  verify(token: string, now?: number): Promise<UserPrincipal>;
}

/**
 * Creates a verifier. Throws an `Error` naming the setting when the configuration is unsafe or
 * inconsistent (HMAC with a public key, asymmetric with a secret, short secret, key of another
 * kind than `alg`, `alg=none`).
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const opts: ResolvedOptions = { ...DEFAULTS, ...stripUndefined(options) };
  const problems = jwtKeyProblems(opts.alg, opts);
  if (problems.length > 0) throw new Error(`Invalid JWT configuration: ${problems.join('; ')}`);
  if (!(opts.clockToleranceS >= 0)) throw new Error('Invalid JWT configuration: clockToleranceS must be ≥ 0');

  const key = resolveKey(opts);
  // Keep the import from crashing the process as an unhandled rejection before the first verify.
  if (key instanceof Promise) key.catch(() => {});
  const jwksMode = opts.jwksUrl !== undefined;
  const verifyOptions = {
    algorithms: [opts.alg],
    requiredClaims: ['exp'],
    audience: opts.audience,
    issuer: opts.issuer,
    clockTolerance: opts.clockToleranceS,
  };

  const leewayMs = opts.clockToleranceS * 1000;
  const cache = new VerifiedTokens();
  return {
    async verify(token, now) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
        throw new HeraldError('invalid_token');
      }
      const at = now ?? Date.now();
      const known = cache.get(token, at);
      if (known) return known;
      let payload;
      try {
        const k = await key;
        const currentDate = now === undefined ? undefined : new Date(now);
        const result =
          typeof k === 'function'
            ? await jwtVerify(token, k, { ...verifyOptions, currentDate })
            : await jwtVerify(token, k, { ...verifyOptions, currentDate });
        payload = result.payload;
      } catch (err) {
        throw mapError(err, jwksMode);
      }
      // jose checks `iat` is a number but not that it is past: a token minted by a clock far
      // ahead would otherwise be accepted before its issuer's own time.
      if (typeof payload.iat === 'number' && payload.iat * 1000 > at + leewayMs) {
        throw new HeraldError('invalid_token', 'The token was issued in the future (iat).');
      }
      // isUserId also refuses NUL and unpaired surrogates: a sub such as "victim\ud800" would be
      // stored as "victim\ufffd" and act as that user.
      if (typeof payload.sub !== 'string' || !isUserId(payload.sub)) {
        throw new HeraldError('invalid_token', 'The token has no valid sub (user id).');
      }
      const expiresAt = Math.min((payload.exp as number) * 1000 + leewayMs, LATEST_MS);
      const principal = { user: payload.sub, topics: parseTopicsClaim(payload.topics), expiresAt };
      cache.set(token, principal, at);
      return principal;
    },
  };
}

/**
 * Tokens verified recently. A reconnect storm presents the same tokens again and again, and a
 * signature check (WebCrypto, asynchronous) costs far more than a map lookup. An entry is the
 * exact token text, so nothing but the identical, already verified bytes can hit it; it is
 * dropped at the token's `exp` and after CACHE_TTL_MS at most, which bounds how long a key
 * removed from a JWKS keeps being honoured for tokens it already verified.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { principal: UserPrincipal; until: number }>();

  get(token: string, now: number): UserPrincipal | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (now < e.until) return e.principal;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, principal: UserPrincipal, now: number): void {
    if (this.entries.size >= CACHE_MAX) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { principal, until: Math.min(principal.expiresAt, now + CACHE_TTL_MS) });
  }
}

const CACHE_MAX = 50_000;
const CACHE_TTL_MS = 60_000;

type Key = CryptoKey | JWTVerifyGetKey;

function resolveKey(opts: ResolvedOptions): Key | Promise<Key> {
  if (isHmac(opts.alg)) {
    const hash = `SHA-${opts.alg.slice(2)}`;
    const raw = new TextEncoder().encode(opts.secret);
    return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash }, false, ['verify']) as Promise<CryptoKey>;
  }
  if (opts.publicKey !== undefined) {
    const pem = opts.publicKey.trim();
    return pem.includes('CERTIFICATE') ? importX509(pem, opts.alg) : importSPKI(pem, opts.alg);
  }
  // createRemoteJWKSet caches the set, refetches on an unknown kid at most once per cooldown,
  // and only ever fetches the configured URL: `jku`/`x5u` headers are never followed.
  return createRemoteJWKSet(new URL(opts.jwksUrl as string), {
    cooldownDuration: opts.jwksCooldownMs,
    cacheMaxAge: opts.jwksCacheMaxAgeMs,
    timeoutDuration: opts.jwksTimeoutMs,
    ...(opts.fetch ? { [customFetch]: opts.fetch } : {}),
  });
}

function mapError(err: unknown, jwksMode: boolean): HeraldError {
  if (err instanceof HeraldError) return err;
  if (err instanceof errors.JWTExpired) return new HeraldError('token_expired', undefined, { cause: err });
  // The key server being down is not the token's fault: answer 503 so clients retry.
  if (jwksMode && (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError) || isJwksFetchFailure(err))) {
    return new HeraldError('unavailable', 'The JWKS could not be fetched.', { cause: err });
  }
  return new HeraldError('invalid_token', undefined, { cause: err });
}

function isJwksFetchFailure(err: errors.JOSEError): boolean {
  return err.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/i.test(err.message);
}

/** `{a: undefined}` must not erase a default when spread. */
function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
