/**
 * Signs HS256 subscriber tokens for dev mode, the demo page, the CLI and tests. Production
 * tokens come from the application's own auth server, never from Herald.
 */
import { SignJWT } from 'jose';

export interface DevTokenOptions {
  /** The HMAC secret Herald is configured with (HERALD_JWT_SECRET). */
  secret: string;
  /** The user id (`sub`). */
  sub: string;
  /** Topic patterns (`topics` claim). Default none. */
  topics?: string[];
  /** Lifetime in seconds. Default 3600. */
  ttlS?: number;
  audience?: string;
  issuer?: string;
  /** Epoch ms used for `iat`/`exp`. Default now. */
  now?: number;
}

const DEFAULTS = { topics: [] as string[], ttlS: 3600 } as const;

export async function signDevToken(options: DevTokenOptions): Promise<string> {
  const o = { ...DEFAULTS, ...options };
  const iat = Math.floor((o.now ?? Date.now()) / 1000);
  const jwt = new SignJWT({ topics: o.topics })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(o.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + o.ttlS);
  if (o.audience !== undefined) jwt.setAudience(o.audience);
  if (o.issuer !== undefined) jwt.setIssuer(o.issuer);
  return jwt.sign(new TextEncoder().encode(o.secret));
}
