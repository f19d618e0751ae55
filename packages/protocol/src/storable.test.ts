import { describe, expect, it } from 'vitest';
import { MAX_DATA_DEPTH, findUnstorable, isStorableText } from './storable.ts';
import { isUserId } from './validation.ts';

const UNSTORABLE: [string, string][] = [
  ['NUL', 'a\u0000b'],
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone high surrogate at the end', 'ab\udbff'],
  ['a lone low surrogate', 'a\udc00b'],
  ['a lone low surrogate at the start', '\udfffab'],
  ['a reversed pair', 'a\ude00\ud83db'],
  ['two high surrogates then a low one', '\ud83d\ud83d\ude00'],
];
const STORABLE = ['', 'plain', '😀', 'a😀b𝄞c', '\ud83d\ude00', 'é\u00a0\u202e\ufffd', 'line\nbreak\ttab\u0001'];

describe('storable text', () => {
  for (const [name, text] of UNSTORABLE) {
    it(`refuses ${name}`, () => expect(isStorableText(text)).toBe(false));
  }
  it('keeps any well-formed text, astral characters and other control characters included', () => {
    for (const text of STORABLE) expect(isStorableText(text)).toBe(true);
  });
  it('is the rule user ids follow too', () => {
    expect(isUserId('victim\ud800')).toBe(false);
    expect(isUserId('victim\ufffd')).toBe(true);
    expect(isUserId('😀')).toBe(true);
  });
});

describe('findUnstorable', () => {
  it('finds unstorable text in keys and values anywhere in a JSON value, with its path', () => {
    expect(findUnstorable({ a: [1, { b: ['x', 'y\u0000'] }] }, 10)).toEqual({ kind: 'text', path: 'a[1].b[1]' });
    expect(findUnstorable({ a: { ['k\ud800']: 1 } }, 10)).toEqual({ kind: 'text', path: 'a.k\\ud800 (key)' });
    expect(findUnstorable('\udc00', 10)).toEqual({ kind: 'text', path: '' });
    expect(findUnstorable({ a: '\u0000', ['b\u0000']: 1 }, 10)).toEqual({ kind: 'text', path: 'a' });
    expect(findUnstorable({ a: ['😀', { '😀': '𝄞' }], n: null, t: true, x: 1.5 }, 10)).toBeUndefined();
  });

  it('counts objects and arrays as levels and refuses the first one past the limit', () => {
    const deep = (n: number): unknown => (n === 0 ? 1 : n % 2 ? [deep(n - 1)] : { a: deep(n - 1) });
    expect(findUnstorable(deep(MAX_DATA_DEPTH), MAX_DATA_DEPTH)).toBeUndefined();
    expect(findUnstorable(deep(MAX_DATA_DEPTH + 1), MAX_DATA_DEPTH)).toEqual({ kind: 'depth', path: expect.any(String) });
    expect(findUnstorable([], 0)).toEqual({ kind: 'depth', path: '' });
    expect(findUnstorable('scalar', 0)).toBeUndefined();
  });

  it('never overflows the stack, however deep the value', () => {
    let v: unknown = 'leaf\u0000';
    for (let i = 0; i < 200_000; i++) v = i % 2 ? [v] : { a: v };
    expect(findUnstorable(v, MAX_DATA_DEPTH)?.kind).toBe('depth');
    expect(findUnstorable(v, 300_000)?.kind).toBe('text');
  });

  it('stops at the first problem without walking the rest', () => {
    let touched = 0;
    const later = new Proxy(['x'], { get: (t, k, r) => (touched++, Reflect.get(t, k, r)), ownKeys: (t) => (touched++, Reflect.ownKeys(t)) });
    expect(findUnstorable(['\u0000', later], 10)).toEqual({ kind: 'text', path: '[0]' });
    expect(touched).toBe(0);
  });
});
