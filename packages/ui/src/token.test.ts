import { describe, expect, it } from 'vitest';
import { parseTopics, tokenFromUrl } from './token.ts';

const answer = (status: number, body: string) =>
  (async () => new Response(body, { status })) as unknown as typeof fetch;

describe('tokenFromUrl', () => {
  it('reads {token} JSON or bare text', async () => {
    expect(await tokenFromUrl('/t', answer(200, '{"token":"abc"}'))()).toBe('abc');
    expect(await tokenFromUrl('/t', answer(200, ' xyz\n'))()).toBe('xyz');
  });
  it('answers null (signed out) on 401 or 403, so the SDK leaves the user’s group', async () => {
    expect(await tokenFromUrl('/t', answer(401, 'no'))()).toBeNull();
    expect(await tokenFromUrl('/t', answer(403, 'no'))()).toBeNull();
  });
  it('rejects on another error status or a JSON without token', async () => {
    await expect(tokenFromUrl('/t', answer(500, 'no'))()).rejects.toThrow(/500/);
    await expect(tokenFromUrl('/t', answer(200, '{"nope":1}'))()).rejects.toThrow(/token/);
  });
  it('sends same-origin credentials', async () => {
    let seen: RequestInit | undefined;
    const f = (async (_u: string, init: RequestInit) => {
      seen = init;
      return new Response('{"token":"t"}');
    }) as unknown as typeof fetch;
    await tokenFromUrl('/t', f)();
    expect(seen?.credentials).toBe('same-origin');
  });
});

describe('parseTopics', () => {
  it('splits on commas and spaces', () => {
    expect(parseTopics('a, b c,,d')).toEqual(['a', 'b', 'c', 'd']);
    expect(parseTopics(null)).toEqual([]);
  });
});

