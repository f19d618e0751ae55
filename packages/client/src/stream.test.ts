import { afterEach, describe, expect, it } from 'vitest';
import type { SseEvent } from './parser.ts';
import { json, sseHead, startServer, until, type Handler, type TestServer } from './sse-test-server.ts';
import { createStream, type StateEvent, type Stream, type StreamOptions } from './stream.ts';

let server: TestServer | undefined;
let stream: Stream | undefined;

afterEach(async () => {
  stream?.close();
  stream = undefined;
  await server?.close();
  server = undefined;
});

const READY = (hb = 15_000) => `event: ready\ndata: ${JSON.stringify({ user: 'u1', counts: { unread: 0, unseen: 0, total: 0 }, heartbeatMs: hb, topics: [], resumed: false })}\n\n`;

async function open(handler: Handler, opts: Partial<StreamOptions> = {}) {
  server = await startServer(handler);
  const events: SseEvent[] = [];
  const states: StateEvent[] = [];
  stream = createStream({
    url: `${server.url}/v1/stream`,
    onEvent: (e) => events.push(e),
    onState: (s) => states.push(s),
    minDelayMs: 20,
    maxDelayMs: 100,
    window: null,
    document: null,
    navigator: null,
    ...opts,
  });
  stream.connect();
  return { srv: server, events, states, s: stream };
}

describe('createStream', () => {
  it('goes live, then reconnects after a drop and sends Last-Event-ID', async () => {
    const { srv, events, states } = await open((req, res) => {
      sseHead(res);
      const n = srv.requests.length;
      res.end(`retry: 30\n\nid: e.${n}.0\n${READY()}id: e.${n}.1\ndata: {"n":${n}}\n\n`);
    });
    await until(() => srv.requests.length >= 3, 10_000, 'three connections');
    expect(srv.requests[0].headers['last-event-id']).toBeUndefined();
    expect(srv.requests[0].headers.accept).toBe('text/event-stream');
    expect(srv.requests[1].headers['last-event-id']).toBe('e.1.1');
    expect(srv.requests[2].headers['last-event-id']).toBe('e.2.1');
    expect(events.slice(0, 4).map((e) => [e.event, e.id])).toEqual([
      ['ready', 'e.1.0'],
      ['message', 'e.1.1'],
      ['ready', 'e.2.0'],
      ['message', 'e.2.1'],
    ]);
    expect(states.slice(0, 4)).toEqual([
      { oldState: 'offline', newState: 'connecting' },
      { oldState: 'connecting', newState: 'live' },
      { oldState: 'live', newState: 'reconnecting', reason: 'eof' },
      { oldState: 'reconnecting', newState: 'live' },
    ]);
  });

  it('resumes from a given cursor and sends the bearer token', async () => {
    const { srv } = await open(
      (req, res) => {
        sseHead(res);
        res.write(READY());
      },
      { lastEventId: 'x.1.2', token: 'tok' },
    );
    await until(() => srv.requests.length >= 1);
    expect(srv.requests[0].headers['last-event-id']).toBe('x.1.2');
    expect(srv.requests[0].headers.authorization).toBe('Bearer tok');
  });

  it('fails for good on 401 without getToken', async () => {
    const { srv, states, s } = await open((req, res) => json(res, 401, { error: { code: 'invalid_token', message: 'no' } }), { token: 'bad' });
    await until(() => s.state === 'failed');
    expect(states.at(-1)).toEqual({ oldState: 'connecting', newState: 'failed', reason: 'invalid_token' });
    await new Promise((r) => setTimeout(r, 300));
    expect(srv.requests).toHaveLength(1);
  });

  it('fails on 403 when getToken gives the same token again', async () => {
    const { srv, s } = await open((req, res) => json(res, 403, { error: { code: 'topic_forbidden', message: 'no' } }), { getToken: () => 'same' });
    await until(() => s.state === 'failed');
    await new Promise((r) => setTimeout(r, 300));
    expect(srv.requests).toHaveLength(1);
  });

  it('reconnects at once with a fresh token from getToken after a 401', async () => {
    const flags: boolean[] = [];
    const { srv, s, states } = await open(
      (req, res) => {
        if (req.headers.authorization !== 'Bearer new') return json(res, 401, { error: { code: 'token_expired', message: 'old' } });
        sseHead(res);
        res.write(READY());
      },
      { getToken: async (refresh) => (flags.push(refresh), refresh ? 'new' : 'old'), minDelayMs: 5000 },
    );
    // minDelayMs is 5 s: going live within the deadline proves the retry did not back off.
    await until(() => s.state === 'live', 4000, 'live with the new token');
    expect(srv.requests.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
    expect(states.map((x) => x.newState)).toEqual(['connecting', 'reconnecting', 'live']);
    expect(states[1].reason).toBe('auth');
    expect(flags).toEqual([false, true]);
  });

  it('honors the server retry as the minimum delay', async () => {
    const { srv } = await open(
      (req, res) => {
        sseHead(res);
        res.end(`retry: 400\n\n${READY()}`);
      },
      { minDelayMs: 1, maxDelayMs: 2 },
    );
    await until(() => srv.requests.length >= 3, 10_000, 'three connections');
    expect(srv.requests[1].at - srv.requests[0].at).toBeGreaterThanOrEqual(380);
    expect(srv.requests[2].at - srv.requests[1].at).toBeGreaterThanOrEqual(380);
  });

  it('backs off and retries on 503', async () => {
    const { srv, s, states } = await open((req, res) => {
      if (srv.requests.length < 3) return json(res, 503, { error: { code: 'unavailable', message: 'later' } });
      sseHead(res);
      res.write(READY());
    });
    await until(() => s.state === 'live');
    expect(srv.requests).toHaveLength(3);
    expect(states[1]).toEqual({ oldState: 'connecting', newState: 'reconnecting', reason: 'unavailable' });
  });

  it('drops an invalid cursor and reconnects without it', async () => {
    const { srv, s } = await open(
      (req, res) => {
        if (req.headers['last-event-id']) return json(res, 400, { error: { code: 'invalid_cursor', message: 'bad' } });
        sseHead(res);
        res.write(READY());
      },
      { lastEventId: 'garbage' },
    );
    await until(() => s.state === 'live');
    expect(srv.requests.map((r) => r.headers['last-event-id'])).toEqual(['garbage', undefined]);
  });

  it('treats a stream silent past 2× the announced heartbeat as dead', async () => {
    const { srv, states } = await open((req, res) => {
      sseHead(res);
      res.write(`id: c.${srv.requests.length}.0\n${READY(100)}`);
    });
    await until(() => srv.requests.length >= 2, 10_000, 'a reconnect');
    expect(states.find((x) => x.newState === 'reconnecting')?.reason).toBe('heartbeat');
    expect(srv.requests[1].headers['last-event-id']).toBe('c.1.0');
  });

  it('keeps a stream with heartbeat comments alive', async () => {
    const timers: NodeJS.Timeout[] = [];
    const { srv, s } = await open((req, res) => {
      sseHead(res);
      res.write(READY(200));
      timers.push(setInterval(() => res.write(':\n\n'), 50));
      res.on('close', () => timers.forEach(clearInterval));
    });
    await until(() => s.state === 'live');
    await new Promise((r) => setTimeout(r, 800));
    expect(srv.requests).toHaveLength(1);
    expect(s.state).toBe('live');
  });

  it('falls back to polling when two attempts get no body byte, and streams again when it can', async () => {
    let buffered = true;
    const { srv, s, states } = await open(
      (req, res) => {
        sseHead(res);
        if (!buffered) res.write(READY());
      },
      { heartbeatMs: 100, probeMs: 300 },
    );
    await until(() => s.state === 'polling', 10_000, 'polling');
    // Two silent attempts, then polling (a probe may already have followed on a loaded box).
    expect(srv.requests.length).toBeGreaterThanOrEqual(2);
    expect(states.at(-1)).toEqual({ oldState: 'reconnecting', newState: 'polling', reason: 'buffered' });
    // Still buffered: the probe fails quietly and the state stays `polling`.
    await until(() => srv.requests.length >= 3, 10_000, 'a probe');
    expect(s.state).toBe('polling');
    buffered = false;
    await until(() => s.state === 'live', 10_000, 'live again');
    expect(states.at(-1)).toEqual({ oldState: 'polling', newState: 'live' });
  });

  it('goes offline on the offline event and reconnects on online', async () => {
    const win = new EventTarget();
    const closed: number[] = [];
    const { srv, s, states } = await open(
      (req, res) => {
        sseHead(res);
        res.write(READY());
        res.on('close', () => closed.push(Date.now()));
      },
      { window: win, minDelayMs: 60_000 },
    );
    await until(() => s.state === 'live');
    win.dispatchEvent(new Event('offline'));
    expect(s.state).toBe('offline');
    await until(() => closed.length === 1, 5000, 'the connection to close');
    win.dispatchEvent(new Event('online'));
    await until(() => s.state === 'live', 5000, 'live after online');
    expect(srv.requests).toHaveLength(2);
    expect(states.map((x) => x.reason ?? x.newState)).toEqual(['connecting', 'live', 'offline', 'online', 'live']);
  });

  it('waits for online when the navigator says it is offline', async () => {
    const win = new EventTarget();
    const { srv, s } = await open(
      (req, res) => {
        sseHead(res);
        res.write(READY());
      },
      { window: win, navigator: { onLine: false } },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(s.state).toBe('offline');
    expect(srv.requests).toHaveLength(0);
    win.dispatchEvent(new Event('online'));
    await until(() => s.state === 'live');
  });

  it('retries at once when the page becomes visible during a backoff wait', async () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    const { srv, s } = await open(
      (req, res) => {
        if (srv.requests.length === 1) return json(res, 503, { error: { code: 'unavailable', message: 'x' } });
        sseHead(res);
        res.write(READY());
      },
      { document: doc, minDelayMs: 60_000 },
    );
    await until(() => s.state === 'reconnecting');
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await until(() => s.state === 'live', 5000, 'live after visible');
    expect(srv.requests).toHaveLength(2);
  });

  it('close stops everything', async () => {
    const { srv, s, states } = await open((req, res) => {
      sseHead(res);
      res.end(READY());
    });
    await until(() => srv.requests.length >= 1);
    s.close();
    const n = srv.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(srv.requests).toHaveLength(n);
    expect(states.at(-1)).toMatchObject({ newState: 'offline', reason: 'closed' });
  });
});
