/**
 * An SSE client over fetch that records everything it receives, with arrival times, so tests can
 * assert on exact sequences and measure publish→receive latency.
 */
import { performance } from 'node:perf_hooks';
import { createSseParser, type ParsedEvent } from './sse-parser.ts';
import { waitFor } from './wait.ts';

/** An event as received, with `at` from `performance.now()` (same clock as the test process). */
export interface ReceivedEvent extends ParsedEvent {
  at: number;
}

export interface SseStream {
  readonly status: number;
  readonly headers: Headers;
  readonly events: ReceivedEvent[];
  /** The last `retry:` the server sent. */
  readonly retry: number | undefined;
  /** Heartbeat comments seen. */
  readonly comments: number;
  /** The last event ID seen (what a browser would send as Last-Event-ID). */
  readonly lastEventId: string;
  /** The error body, for a non-200 answer. */
  readonly errorText: string | undefined;
  /** Resolves when the body ends or fails (server close, reset, abort). */
  readonly ended: Promise<void>;
  readonly isEnded: boolean;
  /** Events of one name, data parsed as JSON. */
  named<T = unknown>(event: string): T[];
  /** Waits until at least `count` events named `event` arrived; returns them (data parsed). */
  waitForCount<T = unknown>(event: string, count: number, timeoutMs?: number): Promise<T[]>;
  /** Waits for the first event matching `pred` at index ≥ `from`. */
  waitForEvent(pred: (e: ReceivedEvent) => boolean, timeoutMs?: number, from?: number): Promise<ReceivedEvent>;
  close(): void;
}

export interface OpenSseOptions {
  token?: string;
  lastEventId?: string;
  headers?: Record<string, string>;
}

/**
 * Opens a stream. Resolves once the response head arrived; for a non-200 status the body is
 * read as text into `errorText` and no events are parsed.
 */
export async function openSse(url: string, o: OpenSseOptions = {}): Promise<SseStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream', ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.lastEventId !== undefined) headers['last-event-id'] = o.lastEventId;
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: ReceivedEvent[] = [];
  const parser = createSseParser((e) => events.push({ ...e, at: performance.now() }));
  let isEnded = false;
  let errorText: string | undefined;

  const pump = async () => {
    if (res.status !== 200 || !res.body) {
      errorText = await res.text().catch(() => '');
      return;
    }
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // A reset or an abort ends the stream like a clean close; tests look at what arrived.
    }
  };
  const ended = pump().finally(() => {
    isEnded = true;
  });
  if (res.status !== 200) await ended;

  const parse = <T>(e: ReceivedEvent) => JSON.parse(e.data) as T;
  const stream = {
    status: res.status,
    headers: res.headers,
    events,
    get retry() {
      return parser.retry;
    },
    get comments() {
      return parser.comments;
    },
    get lastEventId() {
      return events.length > 0 ? events[events.length - 1]!.id : '';
    },
    ended,
    get isEnded() {
      return isEnded;
    },
    get errorText() {
      return errorText;
    },
    named<T>(event: string): T[] {
      return events.filter((e) => e.event === event).map((e) => parse<T>(e));
    },
    waitForCount<T>(event: string, count: number, timeoutMs = 15_000): Promise<T[]> {
      return waitFor(() => `${count} "${event}" events (have ${stream.named(event).length})`, () => {
        const got = stream.named<T>(event);
        return got.length >= count ? got : undefined;
      }, { timeoutMs, intervalMs: 5 });
    },
    waitForEvent(pred: (e: ReceivedEvent) => boolean, timeoutMs = 15_000, from = 0): Promise<ReceivedEvent> {
      return waitFor('a matching event', () => events.slice(from).find(pred), { timeoutMs, intervalMs: 5 });
    },
    close() {
      abort.abort();
    },
  };
  return stream;
}
