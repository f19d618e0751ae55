/**
 * The `eventsource` npm package (the WHATWG EventSource for Node) as a second, independent SSE
 * client. Its custom `fetch` adds the Authorization header, which a browser EventSource cannot.
 */
import { performance } from 'node:perf_hooks';
import { EventSource } from 'eventsource';
import { waitFor } from './wait.ts';

export interface EsEvent {
  event: string;
  data: string;
  lastEventId: string;
  at: number;
}

export interface RecordingEventSource {
  readonly source: EventSource;
  readonly events: EsEvent[];
  /** Times the connection opened (1 + reconnects). */
  readonly opens: number;
  named<T = unknown>(event: string): T[];
  waitForCount<T = unknown>(event: string, count: number, timeoutMs?: number): Promise<T[]>;
  close(): void;
}

/**
 * Opens an EventSource that records the named events. `retryOn503` turns a 503 (a draining
 * node) into a network error, so the client keeps reconnecting instead of failing for good as
 * the spec requires for non-200 answers.
 */
export function openEventSource(url: string, token: string, names: string[], o: { retryOn503?: boolean } = {}): RecordingEventSource {
  const events: EsEvent[] = [];
  let opens = 0;
  const source = new EventSource(url, {
    fetch: async (input, init) => {
      const res = await fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
      if (o.retryOn503 && res.status === 503) {
        await res.body?.cancel();
        throw new TypeError('503: node draining');
      }
      return res;
    },
  });
  source.addEventListener('open', () => opens++);
  for (const name of names) {
    source.addEventListener(name, (e) => {
      const m = e as MessageEvent<string>;
      events.push({ event: name, data: m.data, lastEventId: m.lastEventId, at: performance.now() });
    });
  }
  const named = <T>(event: string) => events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  return {
    source,
    events,
    get opens() {
      return opens;
    },
    named,
    waitForCount<T>(event: string, count: number, timeoutMs = 15_000) {
      return waitFor(() => `${count} "${event}" events on the EventSource (have ${named(event).length})`, () => {
        const got = named<T>(event);
        return got.length >= count ? got : undefined;
      }, { timeoutMs, intervalMs: 5 });
    },
    close: () => source.close(),
  };
}
