import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseSetting } from './parse.ts';
import type { SettingSpec } from './settings.ts';

const ctx = { name: 'HERALD_X', readFile: (p: string) => (p === '/k.pem' ? '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' : (() => { const e = new Error('nope') as NodeJS.ErrnoException; e.code = 'ENOENT'; throw e; })()) };
const spec = (s: Partial<SettingSpec>): SettingSpec => ({ env: 'HERALD_X', flag: '--x', description: '', type: 'string', ...s });
const value = (s: Partial<SettingSpec>, raw: string) => {
  const r = parseSetting(spec(s), raw, ctx);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const error = (s: Partial<SettingSpec>, raw: string) => {
  const r = parseSetting(spec(s), raw, ctx);
  if (r.ok) throw new Error(`expected an error for "${raw}"`);
  return r.error;
};

describe('parseSetting', () => {
  it('int: bounds, garbage, no floats', () => {
    const int = { type: 'int' as const, min: 1, max: 10 };
    expect(value(int, ' 7 ')).toBe(7);
    expect(error(int, 'abc')).toBe('HERALD_X must be an integer 1..10, got "abc"');
    for (const bad of ['0', '11', '1.5', '1e3', '', '0x5', '-1']) expect(error(int, bad)).toMatch(/must be an integer 1\.\.10/);
  });

  it('duration: plain ms and units, bounds', () => {
    const d = { type: 'duration' as const, min: 1000, max: 86_400_000 };
    expect(value(d, '1500')).toBe(1500);
    expect(value(d, '30s')).toBe(30_000);
    expect(value(d, '5m')).toBe(300_000);
    expect(value(d, '1h')).toBe(3_600_000);
    expect(value(d, '1d')).toBe(86_400_000);
    expect(value(d, '2500ms')).toBe(2500);
    expect(error(d, '2d')).toMatch(/from 1s to 1d, got "2d"/);
    expect(error(d, '10x')).toMatch(/must be a duration/);
    expect(error(d, '-5s')).toMatch(/must be a duration/);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(formatDuration(604_800_000)).toBe('7d');
    expect(formatDuration(1500)).toBe('1500ms');
  });

  it('bool: the usual spellings', () => {
    for (const t of ['true', 'TRUE', '1', 'yes', 'on']) expect(value({ type: 'bool' }, t)).toBe(true);
    for (const f of ['false', '0', 'no', 'off']) expect(value({ type: 'bool' }, f)).toBe(false);
    expect(error({ type: 'bool' }, 'maybe')).toBe('HERALD_X must be true or false, got "maybe"');
  });

  it('enum', () => {
    const e = { type: 'enum' as const, values: ['a', 'b'] };
    expect(value(e, 'b')).toBe('b');
    expect(error(e, 'c')).toBe('HERALD_X must be one of a, b, got "c"');
  });

  it('list: comma separated, blanks dropped', () => {
    expect(value({ type: 'list' }, ' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(value({ type: 'list' }, '')).toEqual([]);
  });

  it('url: scheme checked; sensitive values never echoed', () => {
    const u = { type: 'url' as const, schemes: ['redis', 'rediss'] };
    expect(value(u, 'redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(error(u, 'http://x')).toBe('HERALD_X must start with redis:// or rediss://, got "http://…"');
    expect(error({ ...u, sensitive: true }, 'not a url :pw')).not.toContain('pw');
    expect(error({ ...u, sensitive: true }, 'http://user:hunter2@x')).not.toContain('hunter2');
    expect(error({ type: 'int', sensitive: true }, 'secret-ish')).not.toContain('secret-ish');
  });

  it('pem: text, one-line with \\n escapes, @file', () => {
    expect(value({ type: 'pem' }, '@/k.pem')).toContain('BEGIN PUBLIC KEY');
    expect(value({ type: 'pem' }, '-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----')).toBe('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
    expect(error({ type: 'pem' }, '@/missing.pem')).toBe('HERALD_X: cannot read /missing.pem (ENOENT)');
    expect(error({ type: 'pem' }, 'hello')).toMatch(/must be PEM text/);
  });

  it('trust-proxy: false, true, hops, addresses and CIDRs', () => {
    const t = { type: 'trust-proxy' as const };
    expect(value(t, 'false')).toBe(false);
    expect(value(t, 'true')).toBe(true);
    expect(value(t, '2')).toBe(2);
    expect(value(t, '10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback']);
    for (const bad of ['10.0.0.0/33', 'example.com', '1.2.3.4/8/9', '99', 'fe80::/129']) expect(error(t, bad)).toMatch(/HERALD_X/);
  });
});
