/**
 * The SDK against a broken or hostile server: whatever it sends, the stream never reconnects in
 * a hot loop and the inbox never turns one stream into a flood of REST calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from './inbox.ts';
import { json, sseHead, startServer, type Handler, type TestServer } from './sse-test-server.ts';
import { createStream, type Stream } from './stream.ts';

let server: TestServer | undefined;
let stream: Stream | undefined;

afterEach(async () => {
  stream?.close();
  stream = undefined;
  await server?.close();
  server = undefined;
});

/** Connects with production-like delays and counts the requests the server sees in `ms`. */
async function requestsIn(ms: number, handler: Handler): Promise<number> {
  server = await startServer(handler);
  stream = createStream({ url: `${server.url}/v1/stream`, onEvent: () => {}, maxDelayMs: 1000, window: null, document: null, navigator: null });
  stream.connect();
  await new Promise((r) => setTimeout(r, ms));
  return server.requests.length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a hostile stream server', () => {
  it.each([
    ['0', 'retry: 0'],
    ['-1 (ignored)', 'retry: -1'],
    ['past what a timer can hold', 'retry: 99999999999'],
    ['2^31 ms', 'retry: 2147483648'],
  ])('a server retry of %s never makes the stream reconnect in a loop', async (_, field) => {
    // Each attempt gets the retry field and an end of stream, as a broken proxy might send.
    const n = await requestsIn(1500, (req, res) => {
      sseHead(res);
      res.end(`${field}\n\n`);
    });
    // The server's own range is 100 ms..10 min: at most ~15 attempts in 1.5 s even at the floor.
    expect(n).toBeLessThanOrEqual(16);
  });

  it.each([
    ['past what a timer can hold', 1e10],
    ['of 1 ms', 1],
    ['of half a millisecond', 0.5],
  ])('a ready announcing a heartbeat %s does not make a stream with heartbeats reconnect', async (_, heartbeatMs) => {
    const timers: ReturnType<typeof setInterval>[] = [];
    const reasons: string[] = [];
    server = await startServer((req, res) => {
      sseHead(res);
      res.write(`event: ready\ndata: ${JSON.stringify({ user: 'u1', heartbeatMs })}\n\n`);
      const t = setInterval(() => res.write(':\n\n'), 100);
      timers.push(t);
      res.on('close', () => clearInterval(t));
    });
    stream = createStream({ url: `${server.url}/v1/stream`, onEvent: () => {}, onState: (s) => s.reason && reasons.push(s.reason), window: null, document: null, navigator: null });
    stream.connect();
    await sleep(1500);
    for (const t of timers) clearInterval(t);
    expect(reasons).toEqual([]);
    expect(server.requests.length).toBe(1);
  });

  it.each([
    ['a character outside Latin-1', 'e.1.\u2713'],
    ['a character of Latin-1 above ASCII', 'e.1.\u00e9'],
    ['10,000 characters', `e.${'9'.repeat(10_000)}`],
  ])('an event id with %s is not sent back as Last-Event-ID, so reconnecting still works', async (_, badId) => {
    const states: string[] = [];
    server = await startServer((req, res) => {
      sseHead(res);
      const n = server!.requests.length;
      // The first stream ends after an event with the odd id; later ones stay open.
      if (n === 1) res.end(`id: e.1.1\nevent: ready\ndata: {}\n\nid: ${badId}\ndata: {}\n\n`);
      else res.write(`id: e.${n}.1\nevent: ready\ndata: {}\n\n`);
    });
    stream = createStream({ url: `${server.url}/v1/stream`, onEvent: () => {}, onState: (s) => states.push(s.newState), minDelayMs: 50, maxDelayMs: 100, window: null, document: null, navigator: null });
    stream.connect();
    const end = Date.now() + 3000;
    while (server.requests.length < 2 && Date.now() < end) await sleep(20);
    await sleep(300);
    expect(server.requests.length).toBe(2);
    expect(server.requests[1].headers['last-event-id']).toBe('e.1.1');
    expect(stream.state).toBe('live');
  });

  it('a refused cursor answered again without any cursor backs off instead of retrying at once', async () => {
    const n = await requestsIn(1500, (req, res) => json(res, 400, { error: { code: 'invalid_cursor', message: 'bad cursor' } }));
    expect(n).toBeLessThanOrEqual(4);
    expect(stream!.state).not.toBe('live');
  });
});

describe('a hostile stream of reset events', () => {
  it('a burst of reset events refetches the inbox one at a time, not once per event', async () => {
    let calls = 0;
    let open = 0;
    let most = 0;
    const inbox = createInbox({
      request: async <T,>(method: string, path: string): Promise<T> => {
        calls++;
        most = Math.max(most, ++open);
        await sleep(20);
        open--;
        return (path.startsWith('/v1/inbox/counts') ? { unread: 0, unseen: 0, total: 0 } : { items: [], nextCursor: null }) as T;
      },
      emit: () => {},
    });
    for (let i = 0; i < 200; i++) inbox.apply('reset', { reason: 'cursor_expired' });
    const end = Date.now() + 5000;
    while ((open > 0 || calls === 0) && Date.now() < end) await sleep(10);
    await sleep(50);
    // One refresh (a page and the counts) in flight, and one more for the resets that came during it.
    expect(calls).toBeLessThanOrEqual(4);
    expect(most).toBeLessThanOrEqual(2);
  });
});

describe('malformed inbox events', () => {
  const GOOD = { id: 'n1', recipient: 'u1', title: 'Hello', severity: 'info', createdAt: '2026-01-01T00:00:00.000Z' };

  it.each([
    ['notification', null],
    ['notification', 'text'],
    ['notification', { title: 'no id' }],
    ['notification', { ...GOOD, id: 7 }],
    ['notification.state', null],
    ['notification.state', { action: 'read', ids: 'n1' }],
    ['counts', null],
    ['counts', { unread: 'many', unseen: 0, total: 0 }],
    ['ready', null],
    ['ready', { counts: null }],
  ])('a %s event with data %j is ignored and leaves the inbox usable', (event, data) => {
    const inbox = createInbox({ request: () => Promise.reject(new Error('offline')), emit: () => {} });
    inbox.apply('notification', GOOD);
    const before = inbox.snapshot;
    expect(() => inbox.apply(event, data)).not.toThrow();
    expect(inbox.snapshot).toBe(before);
    expect(inbox.snapshot.counts).toEqual({ unread: 1, unseen: 1, total: 1 });
  });

  it('a malformed event does not drop the stream it came on', async () => {
    const reasons: string[] = [];
    const { createHerald } = await import('./client.ts');
    server = await startServer((req, res) => {
      if (req.url.startsWith('/v1/inbox')) return json(res, 200, req.url.includes('counts') ? { unread: 0, unseen: 0, total: 0 } : { items: [], nextCursor: null });
      sseHead(res);
      res.write(`id: c.1\nevent: ready\ndata: {"user":"u1","counts":{"unread":0,"unseen":0,"total":0},"heartbeatMs":15000}\n\nid: c.2\nevent: notification\ndata: null\n\nid: c.3\nevent: counts\ndata: null\n\n`);
    });
    const h = createHerald({ url: server.url, token: 't', share: false, stream: { window: null, document: null, navigator: null } });
    h.on('connection', (s) => s.reason && reasons.push(s.reason));
    h.connect();
    await sleep(800);
    h.close();
    expect(reasons.filter((r) => r !== 'closed')).toEqual([]);
    expect(server.requests.filter((r) => r.url.startsWith('/v1/stream'))).toHaveLength(1);
    expect(h.inbox.snapshot.counts).toEqual({ unread: 0, unseen: 0, total: 0 });
  });
});

describe('a server that accepts a REST call and never answers', () => {
  it('an inbox call that gets no answer fails after the request timeout instead of hanging for ever', async () => {
    server = await startServer((req, res) => {
      // Headers and half a body, then nothing: the answer never completes.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":[');
    });
    const { createHerald } = await import('./client.ts');
    const h = createHerald({ url: server.url, token: 't', share: false, autoLoad: false, requestTimeoutMs: 300 });
    const started = Date.now();
    const outcome = await Promise.race([h.inbox.list().then(() => 'answered', (e: Error) => e.name), sleep(5000).then(() => 'still waiting')]);
    expect(outcome).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
