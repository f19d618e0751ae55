/**
 * One user can never read, change or stream another user's inbox, nor subscribe to a topic the
 * token does not allow. Every attempt either fails with its documented code or changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, publisher, signToken, subscriber } from './support/api.ts';
import { cleanup, startHerald, type HeraldProcess } from './support/herald-process.ts';
import { openSse, type SseStream } from './support/sse-reader.ts';

let herald: HeraldProcess;
let pub: ReturnType<typeof publisher>;
const open: SseStream[] = [];

beforeAll(async () => {
  herald = await startHerald();
  pub = publisher(herald.url);
}, 120_000);
afterAll(async () => {
  for (const s of open) s.close();
  await cleanup();
});

async function stream(token: string, query = ''): Promise<SseStream> {
  const s = await openSse(`${herald.url}/v1/stream${query}`, { token });
  open.push(s);
  return s;
}

describe("user A and user B's inbox", () => {
  it("A's token cannot list, change or stream B's notifications", async () => {
    const tokenA = await signToken('user-a');
    const tokenB = await signToken('user-b');
    const a = subscriber(herald.url, tokenA);
    const b = subscriber(herald.url, tokenB);
    const mineA = await pub.publishOne('user-a', 'for A');
    const ofB = [await pub.publishOne('user-b', 'B secret 1'), await pub.publishOne('user-b', 'B secret 2')];
    const streamB = await stream(tokenB);
    await streamB.waitForCount('ready', 1);
    const beforeB = (await b.inbox()).body;
    const countsB = (await b.counts()).body;
    expect(beforeB.items.map((n: { id: string }) => n.id).sort()).toEqual([...ofB].sort());

    // Listing: A sees only A's items, whatever the query says.
    const listA = await a.inbox();
    expect(listA.status).toBe(200);
    expect(listA.body.items.map((n: { id: string }) => n.id)).toEqual([mineA]);
    expect((await call('GET', `${herald.url}/v1/inbox?user=user-b`, { bearer: tokenA })).status).toBe(400);
    expect((await a.counts()).body).toMatchObject({ total: 1 });

    // Changing: every action with B's ids changes nothing of B's.
    for (const action of ['read', 'seen', 'archive', 'unread', 'unarchive']) {
      const r = await a.change(action, { ids: ofB });
      expect([200, 403, 404]).toContain(r.status);
      if (r.status === 200) expect(r.body.changed).toBe(0);
    }
    expect((await b.inbox()).body).toEqual(beforeB);
    expect((await b.counts()).body).toEqual(countsB);
    // A's "all" touches only A.
    expect((await a.change('read', { all: true })).status).toBe(200);
    expect((await b.counts()).body).toEqual(countsB);
    // B's stream saw no state change, only the marker published after all of the above.
    const marker = await pub.publishOne('user-b', 'marker');
    await streamB.waitForEvent((e) => e.event === 'notification' && JSON.parse(e.data).id === marker);
    expect(streamB.events.map((e) => e.event)).toEqual(['ready', 'notification']);

    // Streaming: there is no way to name B; A's stream carries only A's events.
    const named = await stream(tokenA, '?user=user-b');
    expect(named.status).toBe(400);
    const streamA = await stream(tokenA);
    await streamA.waitForCount('ready', 1);
    expect(streamA.named<{ user: string }>('ready')[0]!.user).toBe('user-a');
    const forB = await pub.publishOne('user-b', 'B only');
    const forA = await pub.publishOne('user-a', 'A only');
    await streamA.waitForCount('notification', 1);
    await streamB.waitForEvent((e) => e.event === 'notification' && JSON.parse(e.data).id === forB);
    expect(streamA.named<{ id: string }>('notification').map((n) => n.id)).toEqual([forA]);
    // A cursor taken from B's stream does not open B's log either: it is resolved against A's.
    const stolen = await stream(tokenA, `?lastEventId=${encodeURIComponent(streamB.lastEventId)}`);
    await stolen.waitForCount('ready', 1);
    const lateA = await pub.publishOne('user-a', 'A again');
    await stolen.waitForEvent((e) => e.event === 'notification' && JSON.parse(e.data).id === lateA);
    for (const n of stolen.named<{ recipient: string }>('notification')) expect(n.recipient).toBe('user-a');
  });

  it('no credential or a token signed with another secret is refused', async () => {
    const none = await stream('');
    expect(none.status).toBe(401);
    expect(JSON.parse(none.errorText!).error.code).toBe('unauthenticated');
    const forged = await signToken('user-b', { secret: 'another-secret-of-at-least-32-bytes-xx' });
    const r = await call('GET', `${herald.url}/v1/inbox`, { bearer: forged });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('invalid_token');
    const s = await stream(forged);
    expect(s.status).toBe(401);
  });
});

describe('topics', () => {
  it('a topic the token does not allow is refused with 403 topic_forbidden; allowed ones stream', async () => {
    const limited = await signToken('tia', { topics: ['orders.*'] });
    const denied = await stream(limited, '?topics=orders.1,admin.audit');
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.errorText!).error.code).toBe('topic_forbidden');
    const tooDeep = await stream(limited, '?topics=orders.1.secret');
    expect(tooDeep.status).toBe(403);
    const noClaim = await stream(await signToken('tia'), '?topics=orders.1');
    expect(noClaim.status).toBe(403);
    expect(JSON.parse(noClaim.errorText!).error.code).toBe('topic_forbidden');

    const allowed = await stream(limited, '?topics=orders.1');
    expect(allowed.status).toBe(200);
    await allowed.waitForCount('ready', 1);
    expect((await pub.topic('admin.audit', { event: 'audit', data: { secret: true } })).status).toBe(202);
    expect((await pub.topic('orders.1', { event: 'order.status', data: { status: 'shipped' } })).status).toBe(202);
    const [ev] = await allowed.waitForCount<{ topic: string; data: unknown }>('order.status', 1);
    expect(ev).toMatchObject({ topic: 'orders.1', data: { status: 'shipped' } });
    expect(allowed.named('audit')).toEqual([]);
  });
});
