/**
 * Publisher API keys: `HERALD_API_KEYS=key:scope+scope,key2:scope`.
 *
 * Scopes are explicit: `publish` allows `POST /v1/notifications` and topic events; `admin`
 * allows presence and stats. `admin` does NOT imply `publish`: give `publish+admin` for both.
 * Keys are compared in constant time and never logged; logs use `id`, a short fingerprint.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HeraldError } from '@herald/protocol';

export const API_KEY_SCOPES = ['publish', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Keys shorter than this are refused: a publisher key must not be guessable. */
export const MIN_API_KEY_LENGTH = 16;
/** Key characters: anything printable except the separators `:`, `,`, `+` and whitespace. */
const KEY_CHARS = /^[\x21-\x7e]+$/;

export interface ApiKeySpec {
  key: string;
  scopes: ApiKeyScope[];
}

/** A verified publisher. */
export interface ApiKeyPrincipal {
  /** First 8 hex digits of sha256(key): identifies the key in logs and metrics, reveals nothing. */
  id: string;
  scopes: ReadonlySet<ApiKeyScope>;
}

/**
 * Parses the `HERALD_API_KEYS` format. Throws an `Error` whose message lists every bad entry,
 * without ever quoting a key.
 */
export function parseApiKeys(text: string): ApiKeySpec[] {
  const out: ApiKeySpec[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  entries.forEach((entry, i) => {
    const where = `entry ${i + 1}`;
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) return void problems.push(`${where} must be key:scope (scopes: ${API_KEY_SCOPES.join(', ')})`);
    const key = entry.slice(0, colon);
    const scopes = entry.slice(colon + 1).split('+').map((s) => s.trim());
    if (key.length < MIN_API_KEY_LENGTH) return void problems.push(`${where}: the key must be at least ${MIN_API_KEY_LENGTH} characters`);
    if (!KEY_CHARS.test(key) || key.includes(':')) return void problems.push(`${where}: the key may not contain spaces, control characters or ":"`);
    const bad = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
    if (bad.length > 0 || scopes.length === 0) {
      return void problems.push(`${where}: unknown scope "${bad[0] ?? ''}" (scopes: ${API_KEY_SCOPES.join(', ')})`);
    }
    if (seen.has(key)) return void problems.push(`${where}: the key is listed twice`);
    seen.add(key);
    out.push({ key, scopes: [...new Set(scopes as ApiKeyScope[])] });
  });
  if (problems.length > 0) throw new Error(problems.join('; '));
  return out;
}

/** Formats specs back to the `HERALD_API_KEYS` format (for dev mode and `herald keys create`). */
export function formatApiKeys(specs: readonly ApiKeySpec[]): string {
  return specs.map((s) => `${s.key}:${s.scopes.join('+')}`).join(',');
}

/** A new random key: `prefix` + 32 random bytes in base64url (256 bits). */
export function generateApiKey(prefix = 'hk_'): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** The non-secret fingerprint shown in logs. */
export function apiKeyId(key: string): string {
  return sha256(key).subarray(0, 4).toString('hex');
}

export interface ApiKeyAuthenticator {
  /** Returns the key's principal; throws `HeraldError('invalid_api_key')`. */
  verify(presented: string): ApiKeyPrincipal;
}

export function createApiKeyAuthenticator(keys: readonly ApiKeySpec[]): ApiKeyAuthenticator {
  const table = keys.map((k) => ({
    digest: sha256(k.key),
    principal: { id: apiKeyId(k.key), scopes: new Set(k.scopes) } as ApiKeyPrincipal,
  }));
  return {
    verify(presented) {
      if (typeof presented !== 'string' || presented.length === 0) throw new HeraldError('invalid_api_key');
      // Hashing first gives equal-length inputs to timingSafeEqual, and visiting every key
      // without an early exit keeps the time independent of which key (if any) matched.
      const digest = sha256(presented);
      let found: ApiKeyPrincipal | undefined;
      for (const entry of table) {
        if (timingSafeEqual(digest, entry.digest)) found = entry.principal;
      }
      if (found === undefined) throw new HeraldError('invalid_api_key');
      return found;
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
