/**
 * A WHATWG event-stream parser written for the tests, independent of Herald's own parser so the
 * e2e suite checks the wire format against the spec rather than against itself.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

/** One dispatched event. `id` is the last event ID buffer at dispatch time, as a browser sees it. */
export interface ParsedEvent {
  id: string;
  event: string;
  data: string;
}

export interface SseParser {
  /** Feeds decoded text; calls `onEvent` for each complete event. */
  feed(text: string): void;
  /** The last `retry:` value, if any. */
  readonly retry: number | undefined;
  /** Comment lines seen (heartbeats). */
  readonly comments: number;
}

export function createSseParser(onEvent: (e: ParsedEvent) => void): SseParser {
  let buffer = '';
  let first = true;
  let lastId = '';
  let eventType = '';
  let data = '';
  let hasData = false;
  let retry: number | undefined;
  let comments = 0;

  const dispatch = () => {
    // Spec: an event with an empty data buffer is not dispatched, but its type is reset.
    if (hasData) onEvent({ id: lastId, event: eventType || 'message', data });
    eventType = '';
    data = '';
    hasData = false;
  };

  const line = (l: string) => {
    if (l === '') return dispatch();
    if (l.startsWith(':')) {
      comments++;
      return;
    }
    const colon = l.indexOf(':');
    const field = colon === -1 ? l : l.slice(0, colon);
    let value = colon === -1 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventType = value;
    else if (field === 'data') {
      data = hasData ? `${data}\n${value}` : value;
      hasData = true;
    } else if (field === 'id') {
      if (!value.includes('\0')) lastId = value;
    } else if (field === 'retry') {
      if (/^[0-9]+$/.test(value)) retry = Number(value);
    }
  };

  return {
    feed(text) {
      buffer += text;
      if (first && buffer.length > 0) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      // Lines end in CRLF, LF or CR. A trailing CR may be the first half of a CRLF: keep it.
      const eol = /\r\n|\n|\r/g;
      let start = 0;
      for (;;) {
        eol.lastIndex = start;
        const m = eol.exec(buffer);
        if (!m) break;
        if (m[0] === '\r' && m.index === buffer.length - 1) break;
        line(buffer.slice(start, m.index));
        start = m.index + m[0].length;
      }
      buffer = buffer.slice(start);
    },
    get retry() {
      return retry;
    },
    get comments() {
      return comments;
    },
  };
}
