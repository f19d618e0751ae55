import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair } from 'jose';
import { ConfigError, devSecretsFile, loadConfig, needsDevSecrets } from './config.ts';
import { SETTINGS, SETTING_KEYS } from './settings.ts';

const SECRET = 'x'.repeat(40);
const KEY = 'hk_live_0123456789abcdef';
const PROD = { HERALD_ENV: 'production', HERALD_JWT_SECRET: SECRET, HERALD_API_KEYS: `${KEY}:publish+admin`, HERALD_CORS_ORIGINS: 'https://app.example.com' };

function problems(env: Record<string, string | undefined>, flags: Record<string, unknown> = {}): string[] {
  try {
    loadConfig(env, flags);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

let rsaPem = '';
let ecPem = '';
beforeAll(async () => {
  rsaPem = await exportSPKI((await generateKeyPair('RS256', { extractable: true })).publicKey);
  ecPem = await exportSPKI((await generateKeyPair('ES256', { extractable: true })).publicKey);
});

describe('loadConfig', () => {
  it('applies every default, parsed, in development', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: './.herald', mode: 'development', production: false, demo: true, jwt: null, apiKeys: [] });
    expect(c.retentionAge).toBe(7 * 86_400_000);
    expect(c.topicRetentionAge).toBe(3_600_000);
    expect(c.streamBufferBytes).toBe(1_048_576);
    expect(c.trustProxy).toBe(false);
    expect(Object.isFrozen(c)).toBe(true);
    expect(needsDevSecrets(c)).toBe(true);
  });

  it('every default parses, and every key is the camelCase of its flag (commander)', () => {
    for (const key of SETTING_KEYS) {
      const camel = SETTINGS[key].flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      expect(camel).toBe(key);
    }
    expect(() => loadConfig({})).not.toThrow();
  });

  it('flags beat env; an empty variable is unset', () => {
    const c = loadConfig({ HERALD_PORT: '9000', HERALD_HOST: '', HERALD_METRICS: 'true' }, { port: '9100', metrics: false, corsOrigins: ['https://a.example', 'https://b.example'] });
    expect(c.port).toBe(9100);
    expect(c.host).toBe('127.0.0.1');
    expect(c.metrics).toBe(false);
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(loadConfig({ HERALD_PORT: '9000' }, { port: 9200 }).port).toBe(9200);
  });

  it('names the flag when the bad value came from a flag', () => {
    expect(problems({}, { port: 'abc' })).toEqual(['--port must be an integer 0..65535, got "abc"']);
    expect(problems({}, { nope: 1 })).toEqual(['unknown flag "nope"']);
  });

  it('collects every error into one ConfigError', () => {
    const p = problems({
      HERALD_PORT: 'abc',
      HERALD_WORKERS: '0',
      HERALD_LOG_LEVEL: 'loud',
      HERALD_TICKET_TTL_S: '61',
      HERALD_RETENTION_AGE: 'forever',
      DATABASE_URL: 'mysql://u:pw@x/db',
      HERALD_API_KEYS: 'short:publish',
      HERALD_CORS_ORIGINS: 'app.example.com',
      HERALD_MAX_DATA_BYTES: '100000',
    });
    expect(p).toEqual([
      'HERALD_PORT must be an integer 0..65535, got "abc"',
      'DATABASE_URL must start with postgres:// or postgresql://, got "mysql://…"',
      'HERALD_WORKERS must be an integer 1..64, got "0"',
      'HERALD_TICKET_TTL_S must be an integer 1..60, got "61"',
      'HERALD_RETENTION_AGE must be a duration (ms, or a number with ms, s, m, h or d) from 1s to 365d, got "forever"',
      'HERALD_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'HERALD_API_KEYS: entry 1: the key must be at least 16 characters',
      'HERALD_CORS_ORIGINS entries must be origins like https://app.example.com, got "app.example.com"',
      'HERALD_MAX_DATA_BYTES (100000) must not exceed HERALD_BODY_LIMIT (65536)',
    ]);
    const message = (() => {
      try {
        loadConfig({ HERALD_PORT: 'abc', HERALD_WORKERS: '0' });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toBe('Invalid configuration:\n  - HERALD_PORT must be an integer 0..65535, got "abc"\n  - HERALD_WORKERS must be an integer 1..64, got "0"');
  });

  it('never echoes secrets in errors', () => {
    const p = problems({ HERALD_JWT_SECRET: 'tooShortSecretValue', HERALD_API_KEYS: 'averyverysecretkey:root', DATABASE_URL: 'mysql://u:hunter2@x/db' });
    expect(p.length).toBe(3);
    const all = p.join('\n');
    for (const s of ['tooShortSecretValue', 'averyverysecretkey', 'hunter2']) expect(all).not.toContain(s);
  });

  describe('JWT', () => {
    it('a secret means HS256; claims and leeway are passed on', () => {
      const c = loadConfig({ HERALD_JWT_SECRET: SECRET, HERALD_JWT_AUDIENCE: 'herald', HERALD_JWT_ISSUER: 'https://auth', HERALD_JWT_LEEWAY_S: '10' });
      expect(c.jwt).toEqual({ alg: 'HS256', secret: SECRET, audience: 'herald', issuer: 'https://auth', clockToleranceS: 10 });
      expect(c.jwtClaims).toEqual({ audience: 'herald', issuer: 'https://auth', clockToleranceS: 10 });
    });

    it('a public key means RS256 unless HERALD_JWT_ALG says otherwise; @file is read', () => {
      const dir = mkdtempSync(join(tmpdir(), 'herald-cfg-'));
      try {
        writeFileSync(join(dir, 'ec.pem'), ecPem);
        expect(loadConfig({ HERALD_JWT_PUBLIC_KEY: rsaPem }).jwt?.alg).toBe('RS256');
        const ec = loadConfig({ HERALD_JWT_PUBLIC_KEY: `@${join(dir, 'ec.pem')}`, HERALD_JWT_ALG: 'ES256' });
        expect(ec.jwt).toMatchObject({ alg: 'ES256', publicKey: ecPem.trim() + '\n' });
        expect(problems({ HERALD_JWT_PUBLIC_KEY: `@${join(dir, 'ec.pem')}` })).toEqual([
          'HERALD_JWT_PUBLIC_KEY is a ec prime256v1 key, which cannot verify RS256; set HERALD_JWT_ALG to match the key',
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses HS/RS confusion, alg=none, two sources, and an alg without a key', () => {
      expect(problems({ HERALD_JWT_PUBLIC_KEY: rsaPem, HERALD_JWT_ALG: 'HS256' })[0]).toMatch(/HS\/RS confusion/);
      expect(problems({ HERALD_JWT_SECRET: SECRET, HERALD_JWT_ALG: 'RS256' })[0]).toMatch(/not HERALD_JWT_SECRET/);
      expect(problems({ HERALD_JWT_SECRET: SECRET, HERALD_JWT_ALG: 'none' })[0]).toMatch(/^HERALD_JWT_ALG must be one of HS256/);
      expect(problems({ HERALD_JWT_SECRET: SECRET, HERALD_JWKS_URL: 'https://a/jwks' })[0]).toMatch(/only one/);
      expect(problems({ HERALD_JWT_ALG: 'RS256' })[0]).toMatch(/HERALD_JWT_ALG is set but no key/);
      expect(problems({ HERALD_JWT_SECRET: 'short' })).toEqual(['HERALD_JWT_SECRET must be at least 32 bytes long']);
    });
  });

  describe('production', () => {
    it('accepts a complete production configuration; demo defaults off', () => {
      const c = loadConfig(PROD);
      expect(c).toMatchObject({ production: true, mode: 'production', demo: false });
      expect(c.apiKeys).toEqual([{ key: KEY, scopes: ['publish', 'admin'] }]);
      expect(needsDevSecrets(c)).toBe(false);
    });

    it('is detected from NODE_ENV unless HERALD_ENV says otherwise', () => {
      expect(problems({ NODE_ENV: 'production' }).length).toBe(2);
      expect(problems({ NODE_ENV: 'production' })[0]).toMatch(/^HERALD_ENV=production \(from NODE_ENV\) needs a JWT key/);
      expect(loadConfig({ NODE_ENV: 'production', HERALD_ENV: 'development' }).production).toBe(false);
    });

    it('refuses missing secrets, wildcard CORS, the demo page and a plain-http JWKS', () => {
      const p = problems({ HERALD_ENV: 'production', HERALD_CORS_ORIGINS: 'https://a.example,*', HERALD_DEMO: 'true' });
      expect(p).toEqual([
        'HERALD_ENV=production needs a JWT key: set HERALD_JWT_SECRET, HERALD_JWT_PUBLIC_KEY or HERALD_JWKS_URL',
        'HERALD_ENV=production needs HERALD_API_KEYS (create one with: herald keys create)',
        "HERALD_ENV=production refuses HERALD_CORS_ORIGINS=*; list your app's origins",
        'HERALD_ENV=production refuses HERALD_DEMO=true: the demo page signs tokens for anyone',
      ]);
      const jwks = { ...PROD, HERALD_JWT_SECRET: undefined, HERALD_JWKS_URL: 'http://auth.internal/jwks.json' };
      expect(problems(jwks)).toEqual(['HERALD_ENV=production needs an https:// HERALD_JWKS_URL (http only on loopback)']);
      expect(problems({ ...jwks, HERALD_JWKS_URL: 'http://127.0.0.1:9000/jwks.json' })).toEqual([]);
    });

    it('development allows wildcard CORS and the demo page', () => {
      const c = loadConfig({ HERALD_CORS_ORIGINS: '*', HERALD_DEMO: 'false' });
      expect(c.corsOrigins).toEqual(['*']);
      expect(c.demo).toBe(false);
    });
  });

  it('devSecretsFile lives in the data dir', () => {
    expect(devSecretsFile('/var/lib/herald')).toBe('/var/lib/herald/dev-secrets.json');
  });
});
