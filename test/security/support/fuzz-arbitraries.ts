/**
 * fast-check arbitraries for the fuzz suite: valid-ish and hostile inputs for every surface a
 * stranger can reach (publish bodies, topic and event names, query strings, Last-Event-ID,
 * tickets, JWTs). Each yields a request description; the suite sends it and checks the answer.
 */
import fc from 'fast-check';

/** Strings that a hostile client would try: unicode, controls, separators, injections. */
export const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\r\n', 'a\nb', 'a\u0000b', '__proto__', 'constructor', 'prototype', 'broadcast', '..', '../../etc/passwd',
    '%0d%0aevent: x', '<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x}', 'ready', 'message', '*', '**', 'a'.repeat(300), '\u202e', '\ud800'),
);

/** Identifier-like strings: mostly valid, sometimes not. */
export const idLike = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/), nasty);

/** A big string, up to 100 KB, cheap to generate. */
const huge = fc.tuple(fc.constantFrom('x', 'é', '𝄞', '\n', '"'), fc.integer({ min: 1_000, max: 100_000 })).map(([c, n]) => c.repeat(n));

/** JSON values with keys that try prototype pollution. */
const pollutingKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.oneof(pollutingKey, fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')),
  fc.integer({ min: 1, max: 200 }).map((d) => { let v: unknown = 1; for (let i = 0; i < d; i++) v = { a: v }; return v; }),
);

/** A notification body: a plausible one with some fields mangled, or anything at all. */
export const publishBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.record(
    {
      recipients: fc.oneof(fc.array(idLike, { minLength: 0, maxLength: 6 }), fc.constant(['alice']), hostileJson),
      title: fc.oneof({ weight: 30, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) }, { weight: 1, arbitrary: huge }, { weight: 1, arbitrary: hostileJson }),
      body: fc.oneof(fc.string({ maxLength: 100 }), hostileJson),
      severity: fc.oneof(fc.constantFrom('info', 'success', 'warning', 'critical'), nasty, hostileJson),
      category: fc.oneof(idLike, hostileJson),
      url: fc.oneof(fc.webUrl(), nasty),
      data: fc.oneof({ weight: 12, arbitrary: fc.object({ maxDepth: 2, maxKeys: 4 }) }, { weight: 6, arbitrary: hostileJson }, { weight: 1, arbitrary: huge.map((s) => ({ s })) }),
      dedupeKey: idLike,
      expiresAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), nasty, fc.constantFrom('2999-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z')),
      constructor: hostileJson,
      extra: hostileJson,
    },
    { requiredKeys: [] },
  ) },
  { weight: 1, arbitrary: hostileJson },
).chain((v) => fc.boolean().map((own) => (own ? withOwnProto(v) : v)));

/** Adds an own `__proto__` key (as JSON.parse makes one), the shape of a pollution attempt. */
function withOwnProto(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const rest = JSON.stringify(v).slice(1);
  return JSON.parse(`{"__proto__":{"polluted":true,"title":"x"}${rest === '}' ? '}' : `,${rest}`}`);
}

/** A raw request body: JSON of a value, or bytes that are not JSON. */
export const rawBody = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 8, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '{"recipients":', '[]', 'null', '{"__proto__":{"polluted":1},"recipients":["a"],"title":"t"}', '{"recipients":["a"],"title":"t","recipients":[1]}') },
  );

export const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '') },
);

/** Topic names in a path: valid, near-valid and hostile; always URL-encoded to stay a path. */
export const topicName = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,10}([.:/][A-Za-z0-9_-]{1,10}){0,3}$/), nasty, fc.constant('broadcast'));

export const topicBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ event: fc.oneof(idLike, nasty, hostileJson), data: hostileJson, extra: hostileJson }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: hostileJson },
);

/** A cursor-shaped value around the real epoch, or junk. */
export const cursorLike = (epoch: string) =>
  fc.oneof(
    fc.tuple(fc.constantFrom(epoch, 'zzzz', '0'), fc.nat(), fc.nat()).map(([e, u, t]) => `${e}.${u.toString(36)}.${t.toString(36)}`),
    fc.tuple(fc.constantFrom(epoch), fc.constantFrom('0', 'zzzzzzzzzzz', '-1', '1e9', ''), fc.constantFrom('0', '1', 'zzzzzzzzzzzz')).map((p) => p.join('.')),
    nasty,
  );

/** Characters node's HTTP client accepts in a header value. */
export const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');

/** Tokens: real ones mangled, other algorithms, random strings. `good` are valid tokens. */
export function tokenLike(good: readonly string[]): fc.Arbitrary<string> {
  const real = fc.constantFrom(...good);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return fc.oneof(
    real,
    fc.tuple(real, fc.nat(), fc.constantFrom('A', '_', '-', '.', '=', ' ')).map(([t, i, c]) => { const k = i % t.length; return t.slice(0, k) + c + t.slice(k + 1); }),
    real.map((t) => t.split('.').slice(0, 2).join('.') + '.'),
    real.map((t) => t.split('.').reverse().join('.')),
    fc.tuple(real, fc.constantFrom('none', 'HS512', 'RS256', 'ES256', 'EdDSA', 'None', '', 'HS256 ')).map(([t, alg]) => {
      const [, p, s] = t.split('.');
      return `${b64({ alg, typ: 'JWT' })}.${p}.${alg.startsWith('none') ? '' : s}`;
    }),
    fc.tuple(hostileJson, hostileJson).map(([h, p]) => `${b64(h)}.${b64(p)}.sig`),
    fc.base64String({ maxLength: 200 }),
    nasty,
  );
}
