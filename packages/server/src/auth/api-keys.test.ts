import { describe, expect, it } from 'vitest';
import { HeraldError } from '@herald/protocol';
import { apiKeyId, createApiKeyAuthenticator, formatApiKeys, generateApiKey, parseApiKeys } from './api-keys.ts';

const PUB = 'hk_publisher_key_0001';
const ADMIN = 'hk_admin_key_00000002';

describe('parseApiKeys', () => {
  it('parses keys with their scopes, trimming blanks', () => {
    expect(parseApiKeys(` ${PUB}:publish , ${ADMIN}:publish+admin,`)).toEqual([
      { key: PUB, scopes: ['publish'] },
      { key: ADMIN, scopes: ['publish', 'admin'] },
    ]);
  });

  it('round-trips through formatApiKeys', () => {
    const specs = parseApiKeys(`${PUB}:admin,${ADMIN}:publish+admin`);
    expect(parseApiKeys(formatApiKeys(specs))).toEqual(specs);
  });

  it('lists every bad entry without quoting any key', () => {
    let message = '';
    try {
      parseApiKeys(`short:publish,${PUB}:root,${ADMIN},${PUB}:publish,${PUB}:publish`);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/entry 1: the key must be at least 16/);
    expect(message).toMatch(/entry 2: unknown scope "root"/);
    expect(message).toMatch(/entry 3 must be key:scope/);
    expect(message).toMatch(/entry 5: the key is listed twice/);
    expect(message).not.toContain(PUB);
    expect(message).not.toContain('short');
  });
});

describe('createApiKeyAuthenticator', () => {
  const auth = createApiKeyAuthenticator(parseApiKeys(`${PUB}:publish,${ADMIN}:admin`));

  it('returns the scopes of the matching key and a non-secret id', () => {
    const p = auth.verify(PUB);
    expect([...p.scopes]).toEqual(['publish']);
    expect(p.id).toMatch(/^[0-9a-f]{8}$/);
    expect(p.id).toBe(apiKeyId(PUB));
    expect(PUB).not.toContain(p.id);
    // admin does not imply publish
    expect(auth.verify(ADMIN).scopes.has('publish')).toBe(false);
    expect(auth.verify(ADMIN).scopes.has('admin')).toBe(true);
  });

  it('refuses unknown, empty, prefix and suffix keys with invalid_api_key', () => {
    for (const k of ['', 'nope', PUB.slice(0, -1), `${PUB}x`, PUB.toUpperCase()]) {
      expect(() => auth.verify(k)).toThrow(HeraldError);
      try {
        auth.verify(k);
      } catch (err) {
        expect((err as HeraldError).code).toBe('invalid_api_key');
      }
    }
  });

  it('refuses everything when no key is configured', () => {
    expect(() => createApiKeyAuthenticator([]).verify(PUB)).toThrow(/API key is invalid/);
  });
});

describe('generateApiKey', () => {
  it('makes distinct 256-bit keys that parse', () => {
    const a = generateApiKey();
    const b = generateApiKey('hk_dev_');
    expect(a).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    expect(b).toMatch(/^hk_dev_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(generateApiKey());
    expect(parseApiKeys(`${a}:publish`)[0].key).toBe(a);
  });
});
