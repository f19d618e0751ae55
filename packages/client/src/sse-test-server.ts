/**
 * A real node:http server for the SDK's tests, on a free loopback port. Each request is recorded
 * and answered by the test's current handler, which can be swapped mid-test. Not exported.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  url: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Handler = (req: Seen, res: http.ServerResponse) => void;

export interface TestServer {
  url: string;
  requests: Seen[];
  handle: Handler;
  close(): Promise<void>;
}

/** Starts an SSE-style response: headers flushed, nothing else written. */
export function sseHead(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  res.flushHeaders();
}

/** Sends a JSON body with a status. */
export function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startServer(handle: Handler): Promise<TestServer> {
  const requests: Seen[] = [];
  const t: TestServer = { url: '', requests, handle, close: async () => {} };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const seen = { url: req.url ?? '', method: req.method ?? '', headers: req.headers, body, at: Date.now() };
      requests.push(seen);
      t.handle(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return t;
}

/** Polls `cond` every 10 ms until it holds, or throws after `ms`. */
export async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
