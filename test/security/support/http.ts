/**
 * Small HTTP and SSE clients on node:http, so tests control every header (Origin, Cookie,
 * X-Forwarded-For) and the source address (`localAddress`, any 127.x address).
 */
import http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined. */
  json: any;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  localAddress?: string;
  agent?: http.Agent;
  timeoutMs?: number;
}

/** One request; resolves with status, headers and body. */
export function call(base: string, path: string, o: CallOptions = {}): Promise<Reply> {
  const body = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  const headers: Record<string, string> = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method: o.method ?? (body === undefined ? 'GET' : 'POST'), headers, localAddress: o.localAddress, agent: o.agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(o.timeoutMs ?? 15_000, () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export interface Stream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** For a refused stream, the JSON error body. */
  json: any;
  events: SseEvent[];
  /** Resolves when the server ends the response or the socket closes. */
  ended: Promise<void>;
  isEnded(): boolean;
  /** Waits for an event matching `pred`, at most `timeoutMs`. */
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `GET path` as an SSE stream; resolves at the response head (or the full error body). */
export function openStream(base: string, path: string, o: { headers?: Record<string, string>; localAddress?: string; timeoutMs?: number } = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, base), { headers: { accept: 'text/event-stream', ...o.headers }, localAddress: o.localAddress, agent: false }, (res) => {
      const events: SseEvent[] = [];
      const waiters = new Set<() => void>();
      let ended = false;
      let buf = '';
      let endedResolve!: () => void;
      const endedP = new Promise<void>((r) => (endedResolve = r));
      const markEnded = () => {
        ended = true;
        endedResolve();
        for (const w of waiters) w();
      };
      res.on('end', markEnded);
      res.on('close', markEnded);
      res.on('error', markEnded);
      res.socket.on('close', markEnded);
      res.setEncoding('utf8');
      const stream: Stream = {
        status: res.statusCode!,
        headers: res.headers,
        json: undefined,
        events,
        ended: endedP,
        isEnded: () => ended,
        waitFor(pred, timeoutMs = 10_000) {
          return new Promise((ok, fail) => {
            const check = () => {
              const hit = events.find(pred);
              if (hit) return done(() => ok(hit));
              if (ended) return done(() => fail(new Error(`stream ended without the event; got ${JSON.stringify(events.map((e) => e.event))}`)));
            };
            const t = setTimeout(() => done(() => fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`))), timeoutMs);
            const done = (f: () => void) => {
              clearTimeout(t);
              waiters.delete(check);
              f();
            };
            waiters.add(check);
            check();
          });
        },
        close() {
          req.destroy();
          res.destroy();
        },
      };
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            stream.json = JSON.parse(text);
          } catch {
            stream.json = undefined;
          }
          resolve(stream);
        });
        return;
      }
      res.on('data', (chunk: string) => {
        buf += chunk;
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const e: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          let any = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'event') e.event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'id') e.id = value;
            else continue;
            any = true;
          }
          if (!any || data.length === 0) continue;
          e.data = data.join('\n');
          events.push(e);
        }
        for (const w of [...waiters]) w();
      });
      resolve(stream);
    });
    req.setTimeout(o.timeoutMs ?? 15_000, () => req.destroy(new Error(`stream open timeout: ${path}`)));
    req.on('error', reject);
  });
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function waitUntil<T>(fn: () => T | Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
