/**
 * An event-stream parser that follows the WHATWG rules to the letter
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * Pure: strings in, callbacks out, no I/O. Chunks may split anywhere, even between the CR and
 * the LF of a CRLF line end.
 */

/** One dispatched event. `id` is the last event id buffer at dispatch time (it persists). */
export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

export interface ParserCallbacks {
  onEvent(event: SseEvent): void;
  /** A `retry:` field whose value is all ASCII digits, in milliseconds. */
  onRetry?(ms: number): void;
  /** A comment line (heartbeats), without its leading colon. */
  onComment?(text: string): void;
}

export interface Parser {
  /** Feeds decoded text; complete lines are processed at once, the rest is kept. */
  feed(chunk: string): void;
  /**
   * Forgets the partial line and the pending event (the stream ended: the spec discards an
   * unterminated event) and re-arms the BOM check. The last event id survives, as it does on
   * an EventSource across reconnects.
   */
  reset(): void;
  /** The last event id buffer. */
  readonly lastEventId: string;
}

const DIGITS = /^\d+$/;

/** Creates a parser; see {@link Parser}. */
export function createParser(cb: ParserCallbacks): Parser {
  let line = '';
  let data = '';
  let event = '';
  let id = '';
  let started = false;
  // A chunk ended with CR: a LF opening the next chunk belongs to the same line end.
  let afterCR = false;

  function process(l: string): void {
    if (l === '') {
      // Dispatch. An event with no data field is dropped, but its id has been kept above.
      if (data !== '') cb.onEvent({ id, event: event || 'message', data: data.slice(0, -1) });
      data = event = '';
      return;
    }
    const colon = l.indexOf(':');
    if (colon === 0) return cb.onComment?.(l.slice(1));
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'data') data += value + '\n';
    else if (field === 'event') event = value;
    else if (field === 'id') {
      if (!value.includes('\0')) id = value;
    } else if (field === 'retry') {
      if (DIGITS.test(value)) cb.onRetry?.(parseInt(value, 10));
    }
  }

  return {
    feed(chunk) {
      if (!started) {
        if (chunk === '') return;
        started = true;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      if (afterCR && chunk[0] === '\n') chunk = chunk.slice(1);
      if (chunk === '') return;
      afterCR = false;
      let start = 0;
      const n = chunk.length;
      for (let i = 0; i < n; i++) {
        const c = chunk.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        process(line + chunk.slice(start, i));
        line = '';
        if (c === 13) {
          if (i + 1 === n) afterCR = true;
          else if (chunk.charCodeAt(i + 1) === 10) i++;
        }
        start = i + 1;
      }
      line += chunk.slice(start);
    },
    reset() {
      line = data = event = '';
      started = afterCR = false;
    },
    get lastEventId() {
      return id;
    },
  };
}
