/**
 * Hostile HTTP on every route, not only the streams, against the real CLI over bare TCP: requests
 * to every route pipelined in one packet with a stream request in the middle, and expectations
 * Node answers on its own before any route runs. Each case ends with the process alive, a
 * bystander stream still receiving, and the descriptors back at their baseline.
 */
import { describe, expect, it } from 'vitest';
import { signToken } from '../e2e/support/api.ts';
import { TEST_API_KEY } from '../e2e/support/herald-process.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { useHostileHarness } from './support/hostile-harness.ts';
import { parseResponses, request } from './support/raw-http.ts';

const { open, expectUnharmed } = useHostileHarness({ bystander: 'any-route-bystander' });

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
