import { describe, expect, it } from 'vitest';
import { readyUser, shareKey, tokenSubject } from './identity.ts';

const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('tokenSubject', () => {
  it('reads sub from a JWT payload (base64url, UTF-8, unpadded) and refuses anything else', () => {
    expect(tokenSubject(jwt({ sub: 'ålice?>', exp: 1 }))).toBe('ålice?>');
    // Payload lengths that need one and two padding characters.
    expect(tokenSubject(jwt({ sub: 'a' }))).toBe('a');
    expect(tokenSubject(jwt({ sub: 'ab' }))).toBe('ab');
    expect(tokenSubject('not-a-jwt')).toBeUndefined();
    expect(tokenSubject('a.!!!.c')).toBeUndefined();
    expect(tokenSubject(jwt({ sub: 42 }))).toBeUndefined();
    expect(tokenSubject(jwt({ sub: '' }))).toBeUndefined();
    expect(tokenSubject(jwt({}))).toBeUndefined();
  });
});

describe('readyUser', () => {
  it('reads the user of a ready event and nothing else', () => {
    expect(readyUser('{"user":"u1","counts":{}}')).toBe('u1');
    expect(readyUser('{"counts":{}}')).toBeUndefined();
    expect(readyUser('not json')).toBeUndefined();
  });
});

describe('shareKey', () => {
  const scope = 'https://h.example|orders';

  it('gives two users two keys, and one user the same key, with the scope in it', () => {
    expect(shareKey(scope, 'alice')).toBe(shareKey(scope, 'alice'));
    expect(shareKey(scope, 'alice')).not.toBe(shareKey(scope, 'bob'));
    expect(shareKey(scope, 'alice').startsWith(scope)).toBe(true);
    expect(shareKey('other', 'alice')).not.toBe(shareKey(scope, 'alice'));
  });

  it('is built from the user, never from the token', () => {
    const token = jwt({ sub: 'alice', exp: 9 });
    const key = shareKey(scope, tokenSubject(token)!);
    expect(key).not.toContain(token);
    expect(key).not.toContain(token.split('.')[1]);
  });

  it('cannot be forged by a scope or a user that contains the separator, and never throws', () => {
    const users = ['a', 'a|u="b"', 'b', '"', '\\', 'u=', '|', 'x\ud800', 'x\ufffd', ''];
    const scopes = ['s', 's|u="a"', 's|u=', 's|'];
    const keys = new Set<string>();
    for (const s of scopes) for (const u of users) keys.add(shareKey(s, u));
    expect(keys.size).toBe(scopes.length * users.length);
    // A lone surrogate and its replacement character stay distinct users.
    expect(shareKey(scope, 'victim\ud800')).not.toBe(shareKey(scope, 'victim\ufffd'));
  });
});
