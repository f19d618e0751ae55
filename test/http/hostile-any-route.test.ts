/**
 * Hostile HTTP on every route, not only the streams, against the real CLI over bare TCP: requests
 * to every route pipelined in one packet with a stream request in the middle, and expectations
 * Node answers on its own before any route runs. Each case ends with the process alive, a
 * bystander stream still receiving, and the descriptors back at their baseline.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../e2e/support/api.ts';
import { cleanup, startHerald, TEST_API_KEY, type HeraldProcess } from '../e2e/support/herald-process.ts';
import { openRawStream, type RawStream } from '../e2e/support/raw-stream.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { connectRaw, fdCount, parseResponses, request, type RawConnection } from './support/raw-http.ts';

let herald: HeraldProcess;
let bystander: RawStream;
let baseline = 0;
let exited = false;
const conns: RawConnection[] = [];

beforeAll(async () => {
  herald = await startHerald();
  // `exited` never rejects: it resolves with the exit code or signal.
  void herald.exited.then(() => (exited = true));
  bystander = await openRawStream(herald.port, await signToken('any-route-bystander'));
  await bystanderReceives();
  baseline = fdCount(herald.pid);
}, 120_000);

afterEach(() => {
  for (const c of conns.splice(0)) c.destroy();
});

afterAll(async () => {
  bystander?.destroy();
  await cleanup();
});

async function open(): Promise<RawConnection> {
  const c = await connectRaw(herald.port);
  conns.push(c);
  return c;
}

function publish(recipient: string, title: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${herald.url}/v1/notifications`,
      { method: 'POST', agent: false, headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('publish timed out')));
    req.on('error', reject);
    req.end(JSON.stringify({ recipients: [recipient], title }));
  });
}

let pings = 0;
async function bystanderReceives(): Promise<void> {
  const title = `ping ${++pings}`;
  expect(await publish('any-route-bystander', title)).toBe(201);
  await waitFor(`the bystander to receive "${title}"`, () => bystander.events().some((e) => e.event === 'notification' && JSON.parse(e.data).title === title), { timeoutMs: 10_000 });
}

async function expectUnharmed(): Promise<void> {
  for (const c of conns.splice(0)) c.destroy();
  expect(exited, `herald died:\n${herald.output().slice(-4000)}`).toBe(false);
  await bystanderReceives();
  await waitFor(() => `the descriptors to return to ${baseline} (now ${fdCount(herald.pid)})`, () => fdCount(herald.pid) <= baseline, { timeoutMs: 15_000, intervalMs: 50 });
}

describe('hostile HTTP on any route', () => {
  it('every route pipelined in one packet with a stream request in the middle: the ones before it answered in order, the stream refused with 400, the connection closed', async () => {
    const user = `Bearer ${await signToken('any-route-user')}`;
    const admin = `Bearer ${TEST_API_KEY}`;
    const json = (body: string) => ({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    const publishBody = JSON.stringify({ recipients: ['any-route-user'], title: 'pipelined' });
    const before = [
      request('GET', '/healthz', {}),
      request('GET', '/readyz', {}),
      request('GET', '/metrics', {}),
      request('GET', '/v1/stats', { authorization: admin }),
      request('GET', '/v1/presence?users=a,b', { authorization: admin }),
      request('GET', '/v1/inbox', { authorization: user }),
      request('GET', '/v1/inbox/counts', { authorization: user }),
      request('POST', '/v1/notifications', { authorization: admin, ...json(publishBody) }, publishBody),
      request('POST', '/v1/topics/any.route/events', { authorization: admin, ...json('{"data":{}}') }, '{"data":{}}'),
      request('POST', '/v1/inbox/read', { authorization: user, ...json('{"all":true}') }, '{"all":true}'),
      request('POST', '/v1/tickets', { authorization: user }),
      request('GET', '/assets/herald-client.js', {}),
    ];
    const after = [request('GET', '/v1/admin/stream', { authorization: admin }), request('GET', '/healthz', {})];
    const c = await open();
    c.write([...before, request('GET', '/v1/stream', { authorization: user }), ...after].join(''));
    await waitFor(() => `the server to close the connection; got:\n${c.text().slice(-600)}`, () => c.isClosed || c.serverEnded, { timeoutMs: 15_000 });
    const answers = parseResponses(c.text());
    expect(answers).toHaveLength(before.length + 1);
    for (const a of answers.slice(0, before.length)) {
      expect(a.complete).toBe(true);
      expect(a.status, a.body.slice(0, 200)).toBeLessThan(300);
    }
    const refused = answers[before.length]!;
    expect(refused.status).toBe(400);
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'bad_request' } });
    await expectUnharmed();
  });

  it('an Expect other than 100-continue gets the JSON 417 expectation_failed on any route, and the connection stays usable', async () => {
    for (const [method, path] of [['GET', '/v1/stream'], ['POST', '/v1/notifications'], ['GET', '/healthz']] as const) {
      const c = await open();
      c.write(request(method, path, { authorization: `Bearer ${TEST_API_KEY}`, expect: 'something-else', 'content-length': '0' }) + request('GET', '/healthz', {}));
      await waitFor(() => `two answers; got:\n${c.text().slice(0, 600)}`, () => parseResponses(c.text()).filter((r) => r.complete).length >= 2, { timeoutMs: 10_000 });
      const [refused, health] = parseResponses(c.text());
      expect(refused!.status).toBe(417);
      expect(refused!.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(refused!.body)).toMatchObject({ error: { code: 'expectation_failed' } });
      expect(health!.status).toBe(200);
    }
    await expectUnharmed();
  });
});
