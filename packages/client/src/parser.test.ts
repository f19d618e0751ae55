import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParser, type SseEvent } from './parser.ts';

interface Out {
  events: SseEvent[];
  retries: number[];
  comments: string[];
  lastEventId: string;
}

function parse(chunks: string[]): Out {
  const out: Out = { events: [], retries: [], comments: [], lastEventId: '' };
  const p = createParser({
    onEvent: (e) => out.events.push(e),
    onRetry: (ms) => out.retries.push(ms),
    onComment: (c) => out.comments.push(c),
  });
  for (const c of chunks) p.feed(c);
  out.lastEventId = p.lastEventId;
  return out;
}

/** Splits a string at the given sorted cut points. */
function cut(text: string, points: number[]): string[] {
  const parts: string[] = [];
  let prev = 0;
  for (const p of [...new Set(points)].sort((a, b) => a - b)) {
    parts.push(text.slice(prev, p));
    prev = p;
  }
  parts.push(text.slice(prev));
  return parts;
}

const ev = (data: string, event = 'message', id = ''): SseEvent => ({ id, event, data });

/** Vectors from the WHATWG spec's examples and its parsing rules. */
const VECTORS: { name: string; input: string; events: SseEvent[]; retries?: number[]; comments?: string[]; lastEventId?: string }[] = [
  { name: 'spec: multi-line data joined with LF', input: 'data: YHOO\ndata: +2\ndata: 10\n\n', events: [ev('YHOO\n+2\n10')] },
  {
    name: 'spec: comment, id set, id reset by a bare id field, two leading spaces keep one',
    input: ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n',
    events: [ev('first event', 'message', '1'), ev('second event'), ev(' third event')],
    comments: [' test stream'],
  },
  {
    name: 'spec: field without colon; empty data dispatches; unterminated event discarded',
    input: 'data\n\ndata\ndata\n\ndata:',
    events: [ev(''), ev('\n')],
  },
  { name: 'spec: the space after the colon is optional', input: 'data:test\n\ndata: test\n\n', events: [ev('test'), ev('test')] },
  { name: 'CRLF line ends', input: 'event: a\r\ndata: 1\r\n\r\n', events: [ev('1', 'a')] },
  { name: 'CR line ends', input: 'event: a\rdata: 1\r\rdata: 2\r\r', events: [ev('1', 'a'), ev('2')] },
  { name: 'mixed line ends', input: 'data: 1\r\ndata: 2\rdata: 3\n\r\n', events: [ev('1\n2\n3')] },
  { name: 'leading BOM stripped', input: '\uFEFFdata: x\n\n', events: [ev('x')] },
  { name: 'only one BOM stripped', input: '\uFEFF\uFEFFdata: x\n\ndata: y\n\n', events: [ev('y')] },
  { name: 'no data field: no dispatch, event type reset', input: 'event: a\n\ndata: b\n\n', events: [ev('b')] },
  { name: 'id persists across events', input: 'id: 7\ndata: a\n\ndata: b\n\n', events: [ev('a', 'message', '7'), ev('b', 'message', '7')] },
  {
    name: 'id without data still sets the last event id',
    input: 'id: 9\n\n',
    events: [],
    lastEventId: '9',
  },
  { name: 'id containing NUL ignored', input: 'id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n', events: [ev('a', 'message', '1'), ev('b', 'message', '1')] },
  { name: 'retry with digits', input: 'retry: 1500\n\n', events: [], retries: [1500] },
  { name: 'retry not all digits ignored', input: 'retry: 15a\nretry: -1\nretry: 1.5\nretry:\nretry: 7\n\n', events: [], retries: [7] },
  { name: 'unknown fields ignored', input: 'foo: bar\ndata: x\nbaz\n\n', events: [ev('x')] },
  { name: 'field names are case-sensitive', input: 'Data: x\nDATA: y\ndata: z\n\n', events: [ev('z')] },
  { name: 'only one leading space removed', input: 'data:   x  \n\n', events: [ev('  x  ')] },
  { name: 'colon in value kept', input: 'data: a: b:c\n\n', events: [ev('a: b:c')] },
  { name: 'last event name wins', input: 'event: a\nevent: b\ndata: x\n\n', events: [ev('x', 'b')] },
  { name: 'empty event name means message', input: 'event:\ndata: x\n\n', events: [ev('x')] },
  { name: 'comments collected, even with colons', input: ':\n: a:b\ndata: x\n\n', events: [ev('x')], comments: ['', ' a:b'] },
  { name: 'unterminated last line is discarded', input: 'data: a\n\ndata: b\n', events: [ev('a')] },
  { name: 'non-ASCII data', input: 'data: héllo ✓ 😀\n\n', events: [ev('héllo ✓ 😀')] },
];

describe('createParser', () => {
  for (const v of VECTORS) {
    const check = (out: Out) => {
      expect(out.events).toEqual(v.events);
      expect(out.retries).toEqual(v.retries ?? []);
      if (v.comments) expect(out.comments).toEqual(v.comments);
      if (v.lastEventId !== undefined) expect(out.lastEventId).toBe(v.lastEventId);
    };

    it(`${v.name}: whole`, () => check(parse([v.input])));

    it(`${v.name}: one character at a time`, () => check(parse(v.input.split(''))));

    it(`${v.name}: random splits`, () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: v.input.length }), { maxLength: 12 }), (points) => {
          check(parse(cut(v.input, points)));
        }),
        { numRuns: 200 },
      );
    });
  }

  it('splits a CRLF across chunks into one line end', () => {
    expect(parse(['data: a\r', '\ndata: b\r', '\n\r', '\n']).events).toEqual([ev('a\nb')]);
  });

  it('treats empty chunks as nothing, even between CR and LF', () => {
    expect(parse(['', 'data: a\r', '', '\n\r\n']).events).toEqual([ev('a')]);
  });

  it('reset discards the partial event but keeps the last id, and re-arms the BOM check', () => {
    const events: SseEvent[] = [];
    const p = createParser({ onEvent: (e) => events.push(e) });
    p.feed('id: 3\ndata: a\n\ndata: partial');
    p.reset();
    p.feed('\uFEFFdata: b\n\n');
    expect(events).toEqual([ev('a', 'message', '3'), ev('b', 'message', '3')]);
  });

  it('reset clears a pending CR so the next stream starts clean', () => {
    const events: SseEvent[] = [];
    const p = createParser({ onEvent: (e) => events.push(e) });
    p.feed('data: a\r');
    p.reset();
    p.feed('\ndata: b\n\n');
    // The LF is a line end of the new stream (an empty line: no data, no dispatch).
    expect(events).toEqual([ev('b')]);
  });
});
