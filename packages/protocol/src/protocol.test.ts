import { describe, expect, it } from 'vitest';
import { ERROR_CODES, HeraldError, isErrorCode } from './errors.ts';
import { formatCursor, parseCursor } from './cursor.ts';
import { encodeBody, encodeComment, encodeEvent, encodeRetry } from './sse.ts';
import { anyTopicAllowed, isEventName, isTopic, isUserId, topicAllowed } from './validation.ts';

describe('SSE encoding', () => {
  it('splits data on every line ending so a payload cannot end the event', () => {
    expect(encodeBody('x', 'a\nb\r\nc\rd')).toBe('event: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
  });
  it('omits the event line for message', () => {
    expect(encodeEvent({ event: 'message', data: '1', id: 'c' })).toBe('id: c\ndata: 1\n\n');
  });
  it('refuses CR, LF and NUL in event names and ids (field injection)', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\0b']) {
      expect(() => encodeBody(bad, '1')).toThrow(HeraldError);
      expect(() => encodeEvent({ event: 'x', data: '1', id: bad })).toThrow(/CR, LF or NUL/);
    }
  });
  it('writes comments and retry', () => {
    expect(encodeComment('a\nb')).toBe(':a b\n\n');
    expect(encodeRetry(1234.7)).toBe('retry: 1234\n\n');
  });
});

describe('cursor', () => {
  it('round-trips', () => {
    const c = { epoch: 'abc123', user: 123456789, topic: 42 };
    expect(parseCursor(formatCursor(c))).toEqual(c);
  });
  it('rejects malformed cursors', () => {
    for (const bad of ['', 'a.b', 'a.1.2.3', 'A.1.2', 'a.-1.2', 'a.1.zzzzzzzzzzzz', 'x'.repeat(70)]) expect(parseCursor(bad)).toBeNull();
  });
});

describe('validation', () => {
  it('checks names', () => {
    expect(isUserId('alice@example.com')).toBe(true);
    expect(isUserId('a,b')).toBe(false);
    expect(isUserId('a\nb')).toBe(false);
    expect(isTopic('orders.42')).toBe(true);
    expect(isTopic('orders..42')).toBe(false);
    expect(isEventName('order.updated')).toBe(true);
    expect(isEventName('ready')).toBe(false);
    expect(isEventName('a b')).toBe(false);
  });
  it('matches topic patterns', () => {
    expect(topicAllowed('orders.*', 'orders.42')).toBe(true);
    expect(topicAllowed('orders.*', 'orders.42.items')).toBe(false);
    expect(topicAllowed('orders.**', 'orders.42.items')).toBe(true);
    expect(topicAllowed('orders.**', 'orders')).toBe(false);
    expect(topicAllowed('**', 'anything.at.all')).toBe(true);
    expect(topicAllowed('orders.42', 'orders.43')).toBe(false);
    expect(anyTopicAllowed([], 'broadcast')).toBe(true);
    expect(anyTopicAllowed([], 'orders.1')).toBe(false);
  });
});

describe('errors', () => {
  it('has a 4xx or 5xx status for every code and typed errors carry it', () => {
    for (const [code, e] of Object.entries(ERROR_CODES)) {
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(isErrorCode(code)).toBe(true);
    }
    const err = new HeraldError('rate_limited', undefined, { retryAfter: 3 });
    expect(err.toBody()).toEqual({ error: { code: 'rate_limited', message: ERROR_CODES.rate_limited.message } });
    expect(err.status).toBe(429);
  });
});
