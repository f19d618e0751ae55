/**
 * The new-streams-per-second budget (`HERALD_MAX_NEW_CONNECTIONS_PER_S`) is shared by every
 * client of a process. It was spent before the credential was looked at, so a stranger with no
 * credential at all, on 16 keep-alive connections, kept every signed-in user's stream at 429.
 * Only a request that will open a stream may spend it, and one user may spend only a share of
 * it: a signed-in user opening and closing streams in a loop kept 15 of 20 attempts of another
 * user at 429.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type InProcess } from './support/app.ts';
import { call, openStream } from './support/http.ts';
import { SECRET } from './support/server.ts';
import { hsToken } from './support/tokens.ts';

const BUDGET = 5;

describe('stream admission', () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await buildApp({ limits: { maxNewConnectionsPerS: BUDGET } });
    await h.listen();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a stranger flooding the stream with bad credentials gets 401, never spends the budget of signed-in users', async () => {
    const bad: Record<string, string>[] = [
      {},
      { authorization: 'Bearer garbage' },
      { cookie: 'herald_token=garbage' },
      { authorization: `Bearer ${await hsToken('another-secret-that-is-long-enough-0123456789', { sub: 'alice' })}` },
    ];
    const paths = ['/v1/stream', `/v1/stream?ticket=${'A'.repeat(43)}`];
    const replies = await Promise.all(Array.from({ length: 20 * BUDGET }, (_, i) => call(h.url, paths[i % 2]!, { headers: bad[i % bad.length] })));
    expect(replies.map((r) => r.status).filter((s) => s !== 401)).toEqual([]);

    const s = await openStream(h.url, '/v1/stream', { headers: { authorization: `Bearer ${await hsToken(SECRET, { sub: 'alice' })}` }, timeoutMs: 5000 });
    s.close();
    expect({ status: s.status, code: s.json?.error?.code }).toEqual({ status: 200, code: undefined });
  });

  it('signed-in users past the budget still get 429 rate_limited with Retry-After', async () => {
    const token = await hsToken(SECRET, { sub: 'bob' });
    const streams = await Promise.all(Array.from({ length: 4 * BUDGET }, () => openStream(h.url, '/v1/stream', { headers: { authorization: `Bearer ${token}` }, timeoutMs: 5000 })));
    for (const s of streams) s.close();
    const limited = streams.filter((s) => s.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.json).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('one signed-in user opening streams in a loop spends only a share of the budget: another user still gets in', async () => {
    const g = await buildApp({ limits: { maxNewConnectionsPerS: 20 } });
    try {
      await g.listen();
      const loud = await hsToken(SECRET, { sub: 'mallory' });
      const quiet = await hsToken(SECRET, { sub: 'alice' });
      const flood = await Promise.all(Array.from({ length: 60 }, () => openStream(g.url, '/v1/stream', { headers: { authorization: `Bearer ${loud}` }, timeoutMs: 5000 })));
      for (const s of flood) s.close();
      expect(flood.filter((s) => s.status === 429).length).toBeGreaterThan(0);

      const alice = await openStream(g.url, '/v1/stream', { headers: { authorization: `Bearer ${quiet}` }, timeoutMs: 5000 });
      alice.close();
      expect({ status: alice.status, code: alice.json?.error?.code }).toEqual({ status: 200, code: undefined });
    } finally {
      await g.close();
    }
  });
});
