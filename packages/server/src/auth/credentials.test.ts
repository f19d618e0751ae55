import { describe, expect, it } from 'vitest';
import { HeraldError } from '@herald/protocol';
import { readCookie } from './cookies.ts';
import { chooseCredential, originAllowed, type CredentialInput } from './credentials.ts';

const policy = { allowedOrigins: ['https://app.example.com'], allowTicket: false };
const stream = { ...policy, allowTicket: true };

function code(input: CredentialInput, p = policy): string {
  try {
    chooseCredential(input, p);
  } catch (err) {
    return (err as HeraldError).code;
  }
  return 'ok';
}

describe('chooseCredential', () => {
  it('takes a bearer header, whatever the case of the scheme', () => {
    expect(chooseCredential({ authorization: 'Bearer abc.def.ghi', method: 'GET' }, policy)).toEqual({ kind: 'bearer', token: 'abc.def.ghi' });
    expect(chooseCredential({ authorization: 'bearer   t ', method: 'POST' }, policy)).toEqual({ kind: 'bearer', token: 't' });
  });

  it('header beats cookie, even on a cross-origin write', () => {
    const c = chooseCredential({ authorization: 'Bearer h', cookie: 'herald_token=c', origin: 'https://evil.example', method: 'POST' }, policy);
    expect(c).toEqual({ kind: 'bearer', token: 'h' });
  });

  it('refuses a non-bearer Authorization header', () => {
    expect(code({ authorization: 'Basic dXNlcjpwYXNz', method: 'GET' })).toBe('invalid_token');
    expect(code({ authorization: 'Bearer a b', method: 'GET' })).toBe('invalid_token');
  });

  it('takes the cookie on reads from anywhere', () => {
    expect(chooseCredential({ cookie: 'x=1; herald_token=tok; y=2', method: 'GET' }, policy)).toEqual({ kind: 'cookie', token: 'tok' });
  });

  it('takes the cookie on writes only with an allow-listed Origin (CSRF)', () => {
    const write = { cookie: 'herald_token=tok', method: 'POST' };
    expect(code({ ...write, origin: 'https://app.example.com' })).toBe('ok');
    expect(code({ ...write, origin: 'https://APP.example.com' })).toBe('ok');
    expect(code({ ...write, origin: 'https://evil.example' })).toBe('origin_forbidden');
    expect(code({ ...write, origin: 'https://app.example.com.evil.example' })).toBe('origin_forbidden');
    expect(code({ ...write, origin: 'null' })).toBe('origin_forbidden');
    expect(code(write)).toBe('origin_forbidden');
    expect(code({ ...write, method: 'put', origin: 'https://evil.example' })).toBe('origin_forbidden');
    expect(code({ ...write, origin: 'https://evil.example' }, { ...policy, allowedOrigins: ['*'] })).toBe('origin_forbidden');
  });

  it('takes a ticket only where allowed, and it beats the cookie', () => {
    expect(chooseCredential({ ticket: 'T', cookie: 'herald_token=c', method: 'GET' }, stream)).toEqual({ kind: 'ticket', ticket: 'T' });
    expect(code({ ticket: 'T', method: 'GET' })).toBe('invalid_ticket');
  });

  it('says unauthenticated when nothing is sent', () => {
    expect(code({ method: 'GET' })).toBe('unauthenticated');
    expect(code({ cookie: 'other=1; herald_token=', method: 'GET' })).toBe('unauthenticated');
    expect(code({ authorization: '', ticket: '', method: 'GET' }, stream)).toBe('unauthenticated');
  });
});

describe('readCookie', () => {
  it('finds a cookie among others, first one wins, quotes and escapes handled', () => {
    expect(readCookie('a=1;herald_token=x; b=2', 'herald_token')).toBe('x');
    expect(readCookie('herald_token=first; herald_token=second', 'herald_token')).toBe('first');
    expect(readCookie('herald_token="q"', 'herald_token')).toBe('q');
    expect(readCookie('herald_token=a%20b', 'herald_token')).toBe('a b');
    expect(readCookie('herald_token=%E0%A4%A', 'herald_token')).toBe('%E0%A4%A');
    expect(readCookie('my_herald_token=x', 'herald_token')).toBeUndefined();
    expect(readCookie('herald_tokenx=1', 'herald_token')).toBeUndefined();
    expect(readCookie(undefined, 'herald_token')).toBeUndefined();
    expect(readCookie('garbage', 'herald_token')).toBeUndefined();
    expect(readCookie('herald_token=' + 'x'.repeat(20_000), 'herald_token')).toBeUndefined();
  });
});

describe('originAllowed', () => {
  it('matches exactly, ignoring a trailing slash in the list', () => {
    expect(originAllowed('https://a.example', ['https://a.example/'])).toBe(true);
    expect(originAllowed('http://a.example', ['https://a.example'])).toBe(false);
    expect(originAllowed('https://a.example:8443', ['https://a.example'])).toBe(false);
    expect(originAllowed(undefined, ['https://a.example'])).toBe(false);
  });
});
