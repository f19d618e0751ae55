/**
 * `loadConfig(env, flags)`: every setting of `settings.ts`, parsed, validated together, frozen.
 * Flags beat environment variables; an empty variable counts as unset. All problems are
 * collected and thrown as one `ConfigError`, so a user fixes everything in one round.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseApiKeys, type ApiKeySpec } from '../auth/api-keys.ts';
import type { JwtVerifierOptions } from '../auth/jwt.ts';
import { jwtKeyProblems, type JwtAlgorithm } from '../auth/jwt-key.ts';
import { parseSetting } from './parse.ts';
import { SETTINGS, SETTING_KEYS, type SettingSpec, type SettingValues } from './settings.ts';

/** Thrown by `loadConfig`; `problems` holds one sentence per bad setting. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** JWT verification settings, ready for `createJwtVerifier`. */
export type JwtConfig = Omit<JwtVerifierOptions, 'fetch'> & { alg: JwtAlgorithm };

/** Claim checks that apply whatever the key. */
export type JwtClaims = Pick<JwtVerifierOptions, 'audience' | 'issuer'> & { clockToleranceS: number };

/** Settings that are replaced by a derived, checked form. */
type Derived = 'env' | 'demo' | 'apiKeys' | 'jwtAlg' | 'jwtSecret' | 'jwtPublicKey' | 'jwksUrl' | 'jwtAudience' | 'jwtIssuer' | 'jwtLeewayS';

export type Config = Readonly<Omit<SettingValues, Derived>> & {
  readonly mode: 'production' | 'development';
  readonly production: boolean;
  readonly demo: boolean;
  /** Null when no key is configured (dev mode then generates a secret: see `needsDevSecrets`). */
  readonly jwt: Readonly<JwtConfig> | null;
  /** The claim checks of HERALD_JWT_AUDIENCE, _ISSUER and _LEEWAY_S, also when `jwt` is null. */
  readonly jwtClaims: Readonly<JwtClaims>;
  readonly apiKeys: readonly ApiKeySpec[];
};

export interface LoadOptions {
  /** Reads `@file` values. Default `fs.readFileSync(path, 'utf8')`. */
  readFile?: (path: string) => string;
}

type Source = { raw: string; name: string } | undefined;

/**
 * Builds the configuration. `flags` are keyed by setting key (commander's camelCase); a flag
 * value may be a string, number, boolean or string array. Throws `ConfigError`.
 */
export function loadConfig(env: Record<string, string | undefined>, flags: Record<string, unknown> = {}, options: LoadOptions = {}): Config {
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const given = new Set<string>();

  for (const key of SETTING_KEYS) {
    const spec: SettingSpec = SETTINGS[key];
    const src = sourceOf(spec, key, env, flags);
    if (src !== undefined) given.add(key);
    const raw = src?.raw ?? spec.default;
    if (raw === undefined) continue;
    const parsed = parseSetting(spec, raw, { name: src?.name ?? spec.env, readFile });
    if (parsed.ok) values[key] = parsed.value;
    else problems.push(parsed.error);
  }
  for (const key of Object.keys(flags)) {
    if (!Object.hasOwn(SETTINGS, key) && flags[key] !== undefined) problems.push(`unknown flag "${key}"`);
  }

  const v = values as SettingValues;
  const mode = v.env ?? (env.NODE_ENV === 'production' ? 'production' : 'development');
  const production = mode === 'production';
  const demo = v.demo ?? !production;
  const jwtClaims: JwtClaims = { clockToleranceS: v.jwtLeewayS };
  if (v.jwtAudience !== undefined) jwtClaims.audience = v.jwtAudience;
  if (v.jwtIssuer !== undefined) jwtClaims.issuer = v.jwtIssuer;
  const jwt = jwtConfig(v, jwtClaims, given, problems);
  let apiKeys: ApiKeySpec[] = [];
  if (v.apiKeys !== undefined) {
    try {
      apiKeys = parseApiKeys(v.apiKeys);
    } catch (err) {
      problems.push(`HERALD_API_KEYS: ${(err as Error).message}`);
    }
  }
  for (const o of v.corsOrigins) {
    if (o !== '*' && !isOrigin(o)) problems.push(`HERALD_CORS_ORIGINS entries must be origins like https://app.example.com, got "${o}"`);
  }
  if (v.maxDataBytes !== undefined && v.bodyLimit !== undefined && v.maxDataBytes > v.bodyLimit) {
    problems.push(`HERALD_MAX_DATA_BYTES (${v.maxDataBytes}) must not exceed HERALD_BODY_LIMIT (${v.bodyLimit})`);
  }

  if (production) {
    const why = 'HERALD_ENV=production' + (v.env === undefined ? ' (from NODE_ENV)' : '');
    if (!given.has('jwtSecret') && !given.has('jwtPublicKey') && !given.has('jwksUrl') && !given.has('jwtAlg')) problems.push(`${why} needs a JWT key: set HERALD_JWT_SECRET, HERALD_JWT_PUBLIC_KEY or HERALD_JWKS_URL`);
    if (v.apiKeys === undefined) problems.push(`${why} needs HERALD_API_KEYS (create one with: herald keys create)`);
    if (v.corsOrigins.includes('*')) problems.push(`${why} refuses HERALD_CORS_ORIGINS=*; list your app's origins`);
    if (v.demo === true) problems.push(`${why} refuses HERALD_DEMO=true: the demo page signs tokens for anyone`);
    if (v.jwksUrl !== undefined && !isSecureUrl(v.jwksUrl)) problems.push(`${why} needs an https:// HERALD_JWKS_URL (http only on loopback)`);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const rest: Record<string, unknown> = { ...values };
  for (const k of ['env', 'demo', 'apiKeys', 'jwtAlg', 'jwtSecret', 'jwtPublicKey', 'jwksUrl', 'jwtAudience', 'jwtIssuer', 'jwtLeewayS']) delete rest[k];
  return Object.freeze({ ...(rest as Omit<SettingValues, Derived>), mode, production, demo, jwt, jwtClaims: Object.freeze(jwtClaims), apiKeys: Object.freeze(apiKeys) });
}

function sourceOf(spec: SettingSpec, key: string, env: Record<string, string | undefined>, flags: Record<string, unknown>): Source {
  const flag = flags[key];
  if (flag !== undefined && flag !== null) {
    const raw = Array.isArray(flag) ? flag.join(',') : String(flag);
    return { raw, name: spec.flag };
  }
  const e = env[spec.env];
  if (e !== undefined && e.trim() !== '') return { raw: e, name: spec.env };
  return undefined;
}

function jwtConfig(v: SettingValues, claims: JwtClaims, given: Set<string>, problems: string[]): JwtConfig | null {
  const src = { secret: v.jwtSecret, publicKey: v.jwtPublicKey, jwksUrl: v.jwksUrl };
  const any = src.secret !== undefined || src.publicKey !== undefined || src.jwksUrl !== undefined;
  if (!any) {
    if (given.has('jwtAlg')) problems.push('HERALD_JWT_ALG is set but no key is: set HERALD_JWT_SECRET, HERALD_JWT_PUBLIC_KEY or HERALD_JWKS_URL');
    return null;
  }
  // A secret means HMAC; a public key or JWKS means RS256 unless told otherwise.
  const alg: JwtAlgorithm = v.jwtAlg ?? (src.secret !== undefined ? 'HS256' : 'RS256');
  const found = jwtKeyProblems(alg, src);
  if (found.length > 0) {
    problems.push(...found);
    return null;
  }
  const out: JwtConfig = { alg, ...claims };
  if (src.secret !== undefined) out.secret = src.secret;
  if (src.publicKey !== undefined) out.publicKey = src.publicKey;
  if (src.jwksUrl !== undefined) out.jwksUrl = src.jwksUrl;
  return Object.freeze(out);
}

function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === value.replace(/\/$/, '').toLowerCase();
  } catch {
    return false;
  }
}

function isSecureUrl(value: string): boolean {
  const u = new URL(value);
  return u.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

/** True when dev mode must generate a JWT secret or an API key before starting. */
export function needsDevSecrets(config: Config): boolean {
  return !config.production && (config.jwt === null || config.apiKeys.length === 0);
}

/** Where dev mode keeps its generated secrets. */
export function devSecretsFile(dataDir: string): string {
  return join(dataDir, 'dev-secrets.json');
}
