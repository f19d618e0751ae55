/**
 * Parsers of one setting's raw text. Pure except `pem`, which reads `@file` through the injected
 * `readFile`. Each returns a value or a user-facing sentence naming the setting; sensitive values
 * are never quoted back.
 */
import { isIP } from 'node:net';
import type { SettingSpec, TrustProxy } from './settings.ts';

export type Parsed<T = unknown> = { ok: true; value: T } | { ok: false; error: string };

export interface ParseContext {
  /** What to call the setting in messages, e.g. `HERALD_PORT` or `--port`. */
  name: string;
  readFile: (path: string) => string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);
/** proxy-addr's named ranges, understood by Fastify's trustProxy. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export function parseSetting(spec: SettingSpec, raw: string, ctx: ParseContext): Parsed {
  const got = spec.sensitive ? '' : `, got "${raw}"`;
  const range = () => (spec.min !== undefined && spec.max !== undefined ? ` ${spec.min}..${spec.max}` : '');
  switch (spec.type) {
    case 'string':
      return ok(raw);
    case 'int': {
      const n = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isSafeInteger(n) || !inRange(spec, n)) return fail(`${ctx.name} must be an integer${range()}${got}`);
      return ok(n);
    }
    case 'duration': {
      const ms = parseDuration(raw);
      if (ms === null || !inRange(spec, ms)) {
        const bounds = spec.min !== undefined && spec.max !== undefined ? ` from ${formatDuration(spec.min)} to ${formatDuration(spec.max)}` : '';
        return fail(`${ctx.name} must be a duration (ms, or a number with ms, s, m, h or d)${bounds}${got}`);
      }
      return ok(ms);
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (TRUE.has(v)) return ok(true);
      if (FALSE.has(v)) return ok(false);
      return fail(`${ctx.name} must be true or false${got}`);
    }
    case 'enum': {
      const values = spec.values ?? [];
      if (!values.includes(raw.trim())) return fail(`${ctx.name} must be one of ${values.join(', ')}${got}`);
      return ok(raw.trim());
    }
    case 'list':
      return ok(splitList(raw));
    case 'url':
      return parseUrl(spec, raw, ctx.name);
    case 'pem':
      return parsePem(raw, ctx);
    case 'trust-proxy':
      return parseTrustProxy(raw, ctx.name);
  }
}

/** `1500` → 1500; `30s` → 30000; `7d` → 604800000. Null when malformed. */
export function parseDuration(raw: string): number | null {
  const m = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(raw.trim());
  if (m === null) return null;
  const ms = Number(m[1]) * UNITS[m[2] ?? 'ms'];
  return Number.isSafeInteger(ms) ? ms : null;
}

/** The largest whole unit: 604800000 → `7d`, 1500 → `1500ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNITS[unit] && ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

export function splitList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function inRange(spec: SettingSpec, n: number): boolean {
  return (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
}

function parseUrl(spec: SettingSpec, raw: string, name: string): Parsed<string> {
  const schemes = spec.schemes ?? [];
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail(`${name} must be a URL (${schemes.map((s) => `${s}://`).join(' or ')})${spec.sensitive ? '' : `, got "${raw}"`}`);
  }
  const scheme = url.protocol.slice(0, -1);
  if (schemes.length > 0 && !schemes.includes(scheme)) {
    return fail(`${name} must start with ${schemes.map((s) => `${s}://`).join(' or ')}, got "${scheme}://…"`);
  }
  return ok(raw.trim());
}

function parsePem(raw: string, ctx: ParseContext): Parsed<string> {
  let text = raw;
  if (raw.startsWith('@')) {
    const path = raw.slice(1);
    try {
      text = ctx.readFile(path);
    } catch (err) {
      return fail(`${ctx.name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  } else if (!raw.includes('\n') && raw.includes('\\n')) {
    // Container env files often carry a PEM on one line with literal "\n".
    text = raw.replace(/\\n/g, '\n');
  }
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) {
    return fail(`${ctx.name} must be PEM text (-----BEGIN PUBLIC KEY-----…) or @/path/to/file.pem`);
  }
  return ok(text.trim() + '\n');
}

function parseTrustProxy(raw: string, name: string): Parsed<TrustProxy> {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v) && v !== '1') return ok(true);
  if (FALSE.has(v) && v !== '0') return ok(false);
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 32 ? ok(hops) : fail(`${name} hop count must be 0..32, got "${raw}"`);
  }
  const list = splitList(raw);
  const bad = list.filter((a) => !NAMED_RANGES.has(a) && !isAddressOrCidr(a));
  if (list.length === 0 || bad.length > 0) {
    return fail(`${name} must be false, true, a hop count, or a comma list of addresses/CIDRs, got "${bad[0] ?? raw}"`);
  }
  return ok(list);
}

function isAddressOrCidr(value: string): boolean {
  const [addr, prefix, ...rest] = value.split('/');
  const family = isIP(addr);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
