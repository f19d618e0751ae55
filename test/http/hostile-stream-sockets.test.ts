/**
 * Hostile HTTP on the stream sockets, against the real CLI over bare TCP: pipelining (with a
 * half-close, a destroy, many connections at once), HEAD, conflicting framing headers, a slow
 * body and a client that never reads, on `/v1/stream` and `/v1/admin/stream`.
 *
 * After every case the process is alive, a bystander stream opened before it still receives a
 * freshly published notification, and the server's open file descriptors return to the baseline
 * taken before the first case (a leaked socket is a leaked descriptor).
 */
import { describe, expect, it } from 'vitest';
import { signToken } from '../e2e/support/api.ts';
import { TEST_API_KEY } from '../e2e/support/herald-process.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { useHostileHarness } from './support/hostile-harness.ts';
import { parseResponses, request, type RawConnection, type RawResponse } from './support/raw-http.ts';

const CONNECTIONS_AT_ONCE = 25;
const BLOB = 'x'.repeat(50_000);

const { open, publish, expectUnharmed } = useHostileHarness({
  bystander: 'bystander',
  env: { HERALD_STREAM_BUFFER_BYTES: '65536', HERALD_MAX_DATA_BYTES: '60000', HERALD_HEADERS_TIMEOUT_MS: '1500' },
});
let userCount = 0;
const freshUser = () => `hostile-${process.pid}-${++userCount}`;

async function serverCloses(c: RawConnection, what: string): Promise<void> {
  await waitFor(() => `the server to close the connection (${what}); got:\n${c.text().slice(0, 600)}`, () => c.isClosed, { timeoutMs: 10_000 });
}

function expectJsonError(r: RawResponse | undefined, status: number, code: string): void {
  expect(r, 'no response').toBeDefined();
  expect(r!.status).toBe(status);
  expect(r!.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(r!.body)).toMatchObject({ error: { code } });
}

/**
 * The stream request came second: the first answer is complete before anything of the second,
 * which is the stream in order, or a 400 with the JSON body that closes the connection. With
 * `partial`, answers may be missing (Node drops unanswered requests when the client half-closes),
 * but whatever arrived is in that order.
 */
function expectAnsweredInOrderOrRefused(text: string, partial = false): 'stream' | 'refused' | 'none' {
  const [first, second] = parseResponses(text);
  if (partial && first === undefined) return 'none';
  expect(first?.status, text.slice(0, 400)).toBe(200);
  expect(first!.headers['content-type']).toMatch(/^application\/json/);
  expect(first!.complete).toBe(true);
  expect(() => JSON.parse(first!.body)).not.toThrow();
  if (partial && second === undefined) return 'none';
  expect(second, `no answer to the stream request:\n${text.slice(0, 400)}`).toBeDefined();
  if (second!.status === 400) {
    expectJsonError(second, 400, 'bad_request');
    expect(second!.headers.connection).toBe('close');
    return 'refused';
  }
  expect(second!.status).toBe(200);
  expect(second!.headers['content-type']).toMatch(/^text\/event-stream/);
  return 'stream';
}

interface Target {
  path: string;
  /** An Authorization header value; a fresh user token for the user stream. */
  auth(): Promise<string>;
  /** A request of the same credential kind that is answered asynchronously. */
  firstPath: string;
}

const targets: Target[] = [
  { path: '/v1/stream', auth: async () => `Bearer ${await signToken(freshUser())}`, firstPath: '/v1/inbox/counts' },
  { path: '/v1/admin/stream', auth: async () => `Bearer ${TEST_API_KEY}`, firstPath: '/v1/stats' },
];

describe.each(targets)('hostile HTTP on $path', (t) => {
  const streamRequest = async (extra: Record<string, string> = {}, body = '') => request('GET', t.path, { authorization: await t.auth(), accept: 'text/event-stream', ...extra }, body);
  const pipelined = async () => request('GET', t.firstPath, { authorization: await t.auth() }) + (await streamRequest());

  it('a stream request pipelined behind an unanswered request, then a half-close: answered in order or refused with 400, and the connection ends', async () => {
    const c = await open();
    c.write(await pipelined());
    c.end();
    await serverCloses(c, 'the client half-closed');
    expectAnsweredInOrderOrRefused(c.text(), true);
    await expectUnharmed();
  });

  it('a stream request pipelined behind an unanswered request, then a destroy, leaves nothing behind', async () => {
    for (let i = 0; i < 5; i++) {
      const c = await open();
      c.write(await pipelined());
      if (i % 2 === 1) await waitFor('the first answer', () => c.text().includes('HTTP/1.1'), { timeoutMs: 10_000 });
      c.destroy();
    }
    await expectUnharmed();
  });

  it(`${CONNECTIONS_AT_ONCE} connections pipelining a stream request at once: each answered in order or refused and closed by the server`, async () => {
    const cs = await Promise.all(Array.from({ length: CONNECTIONS_AT_ONCE }, () => open()));
    const bytes = await Promise.all(cs.map(() => pipelined()));
    cs.forEach((c, i) => c.write(bytes[i]!));
    await waitFor('every connection to get two answers', () => cs.every((c) => parseResponses(c.text()).length >= 2), { timeoutMs: 15_000 });
    for (const c of cs) {
      // Refused: the server must close the socket by itself, else it is held outside every limit.
      if (expectAnsweredInOrderOrRefused(c.text()) === 'refused') await serverCloses(c, 'after the 400');
    }
    await expectUnharmed();
  });

  it('a request pipelined after the stream request: the stream is refused with 400 and the connection closed', async () => {
    const c = await open();
    c.write((await streamRequest()) + request('GET', '/healthz', {}));
    await serverCloses(c, 'a request waits behind the stream');
    const [first] = parseResponses(c.text());
    expectJsonError(first, 400, 'bad_request');
    await expectUnharmed();
  });

  it('a stream request followed by half of another request: the stream opens or is refused, and nothing is left behind', async () => {
    const c = await open();
    c.write((await streamRequest()) + 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ');
    await waitFor('an answer to the stream request', () => parseResponses(c.text()).length >= 1, { timeoutMs: 10_000 });
    const [first] = parseResponses(c.text());
    if (first!.status === 400) expectJsonError(first, 400, 'bad_request');
    else expect(first!.headers['content-type']).toMatch(/^text\/event-stream/);
    await expectUnharmed();
  });

  it('a stream request asking to Upgrade, with a request pipelined after it: the stream opens or is refused, and nothing is left behind', async () => {
    const c = await open();
    c.write((await streamRequest({ connection: 'Upgrade', upgrade: 'websocket' })) + request('GET', '/healthz', {}));
    await waitFor('an answer to the stream request', () => parseResponses(c.text()).length >= 1, { timeoutMs: 10_000 });
    const [first] = parseResponses(c.text());
    if (first!.status === 400) expectJsonError(first, 400, 'bad_request');
    else expect(first!.headers['content-type']).toMatch(/^text\/event-stream/);
    await expectUnharmed();
  });

  it('a stream request followed at once by a half-close is never left open', async () => {
    for (let i = 0; i < 5; i++) {
      const c = await open();
      c.write(await streamRequest());
      c.end();
      await serverCloses(c, 'the client half-closed right after its request');
    }
    await expectUnharmed();
  });

  it('HEAD never opens a stream: 405 with Allow: GET, and the connection stays usable', async () => {
    const c = await open();
    c.write(request('HEAD', t.path, { authorization: await t.auth() }) + request('GET', '/healthz', {}));
    // The first answer is to a HEAD: it has no body whatever its Content-Length says.
    const answers = () => parseResponses(c.text(), (i) => i === 0);
    await waitFor(() => `two answers; got:\n${c.text().slice(0, 600)}`, () => answers().length >= 2 && answers()[1]!.complete, { timeoutMs: 10_000 });
    const [head, health] = answers();
    expect(head!.status).toBe(405);
    expect(head!.headers.allow).toBe('GET');
    expect(head!.headers['content-type'] ?? '').not.toMatch(/event-stream/);
    expect(health!.status).toBe(200);
    expect(JSON.parse(health!.body)).toEqual({ ok: true });
    await expectUnharmed();
  });

  it('Content-Length with Transfer-Encoding gets the JSON 400 and the connection closes', async () => {
    const c = await open();
    c.write(await streamRequest({ 'content-length': '5', 'transfer-encoding': 'chunked' }, '0\r\n\r\n'));
    await serverCloses(c, 'conflicting framing');
    expectJsonError(parseResponses(c.text())[0], 400, 'bad_request');
    await expectUnharmed();
  });

  it('a duplicate Content-Length gets the JSON 400 and the connection closes', async () => {
    const c = await open();
    c.write(request('GET', t.path, { authorization: await t.auth(), 'content-length': ['0', '0'] }));
    await serverCloses(c, 'duplicate Content-Length');
    expectJsonError(parseResponses(c.text())[0], 400, 'bad_request');
    await expectUnharmed();
  });

  it('a stream request with a slow body is refused with 400 and closed, not opened', async () => {
    const c = await open();
    c.write(await streamRequest({ 'content-length': '100' }, 'x'));
    for (let i = 0; i < 20 && !c.isClosed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (!c.isClosed) c.write('x');
    }
    await serverCloses(c, 'a body that never completes');
    expectJsonError(parseResponses(c.text())[0], 400, 'bad_request');
    await expectUnharmed();
  });

  it('a client that never reads costs its socket only while it is connected', async () => {
    const user = freshUser();
    const c = await open();
    const auth = t.path === '/v1/stream' ? `Bearer ${await signToken(user)}` : await t.auth();
    c.write(request('GET', t.path, { authorization: auth, accept: 'text/event-stream' }));
    await waitFor('the stream head', () => c.text().startsWith('HTTP/1.1 200'), { timeoutMs: 10_000 });
    c.pause();
    // Enough to fill the kernel buffers and the stream's 64 KiB; the user stream is then cut.
    for (let i = 0; i < 150 && !c.isClosed; i++) expect(await publish(user, `flood ${i}`, { blob: BLOB })).toBe(201);
    await expectUnharmed();
  });
});

describe('framing errors on any route', () => {
  it('a duplicate Content-Length on a publish gets the JSON 400', async () => {
    const c = await open();
    c.write(request('POST', '/v1/notifications', { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', 'content-length': ['2', '2'] }, '{}'));
    await serverCloses(c, 'duplicate Content-Length');
    expectJsonError(parseResponses(c.text())[0], 400, 'bad_request');
    await expectUnharmed();
  });
});

describe('parser errors get the JSON error body', () => {
  it('headers that never finish get the JSON 408 and the connection closes', async () => {
    const c = await open();
    c.write('GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a');
    for (let i = 0; i < 60 && !c.isClosed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (!c.isClosed) c.write('a');
    }
    await serverCloses(c, 'the headers timeout');
    expectJsonError(parseResponses(c.text())[0], 408, 'request_timeout');
    await expectUnharmed();
  });

  it('oversized headers get the JSON 431 and the connection closes', async () => {
    const c = await open();
    c.write(request('GET', '/v1/stream', { 'x-big': 'a'.repeat(20_000) }));
    await serverCloses(c, 'oversized headers');
    expectJsonError(parseResponses(c.text())[0], 431, 'headers_too_large');
    await expectUnharmed();
  });
});
