/**
 * Chooses which subscriber credential a request uses (DESIGN §3, issue 6). Pure: header values
 * in, a choice out; the HTTP layer reads the headers and the verifiers check the credential.
 *
 * Order: `Authorization: Bearer` beats a `ticket`, which beats the `herald_token` cookie. A
 * cookie is sent by the browser on its own (ambient authority), so on state-changing methods it
 * counts only with an allow-listed `Origin`: that is the CSRF defence.
 */
import { HeraldError } from '@herald/protocol';
import { readCookie } from './cookies.ts';

/** The cookie a browser app may set to authenticate streams and inbox calls. */
export const TOKEN_COOKIE = 'herald_token';

/** Methods that change nothing; cookie auth needs no Origin check on them. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CredentialInput {
  /** The `Authorization` header. */
  authorization?: string;
  /** The `Cookie` header. */
  cookie?: string;
  /** The `ticket` query parameter. */
  ticket?: string;
  /** The `Origin` header. */
  origin?: string;
  method: string;
}

export interface CredentialPolicy {
  /** Exact origins (`https://app.example.com`) allowed to use cookie auth on writes. */
  allowedOrigins: readonly string[];
  /** True only for `GET /v1/stream`: tickets are refused anywhere else. */
  allowTicket: boolean;
}

export type Credential =
  | { kind: 'bearer'; token: string }
  | { kind: 'ticket'; ticket: string }
  | { kind: 'cookie'; token: string };

/**
 * Throws `unauthenticated` when no credential is present, `invalid_token` for an Authorization
 * header that is not a bearer token, `invalid_ticket` for a ticket where tickets are not taken,
 * and `origin_forbidden` for a cookie on a write without an allowed Origin.
 */
export function chooseCredential(input: CredentialInput, policy: CredentialPolicy): Credential {
  if (input.authorization !== undefined && input.authorization !== '') {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(input.authorization);
    if (m === null) throw new HeraldError('invalid_token', 'Send the token as Authorization: Bearer <token>.');
    return { kind: 'bearer', token: m[1] };
  }
  if (input.ticket !== undefined && input.ticket !== '') {
    if (!policy.allowTicket) throw new HeraldError('invalid_ticket', 'Tickets are accepted only by GET /v1/stream.');
    return { kind: 'ticket', ticket: input.ticket };
  }
  const token = readCookie(input.cookie, TOKEN_COOKIE);
  if (token !== undefined && token !== '') {
    if (!SAFE_METHODS.has(input.method.toUpperCase()) && !originAllowed(input.origin, policy.allowedOrigins)) {
      throw new HeraldError('origin_forbidden');
    }
    return { kind: 'cookie', token };
  }
  throw new HeraldError('unauthenticated');
}

/**
 * Exact, case-insensitive match of a serialized origin against the allow-list. `*` in the list
 * never allows cookie writes: a wildcard must not carry credentials. `null` (sandboxed frames,
 * file: pages) is never allowed.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === '' || origin === 'null') return false;
  const o = origin.toLowerCase();
  return allowed.some((a) => a !== '*' && a.toLowerCase().replace(/\/$/, '') === o);
}
