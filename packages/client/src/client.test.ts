import type http from 'node:http';
import type { Notification } from '@herald/protocol';
import { HeraldError } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createHerald, type Herald, type HeraldEvents } from './client.ts';
import { createFakeLocks } from './fake-locks.ts';
import { shareKey } from './identity.ts';
import { json, sseHead, startServer, until, type Seen, type TestServer } from './sse-test-server.ts';

const note = (i: number): Notification => ({ id: `n${i}`, recipient: 'u1', title: `t${i}`, severity: 'info', createdAt: `2026-01-01T00:00:0${i}Z` });

/** A fake Herald: inbox REST over an in-memory list, and a stream that pushes what `push` sends. */
async function startHerald(opts: { buffered?: boolean } = {}) {
  const items: Notification[] = [note(1)];
  const streams = new Set<http.ServerResponse>();
  let seq = 0;
  const srv = await startServer((req: Seen, res) => {
    const path = req.url.split('?')[0];
    if (path === '/v1/stream') {
      sseHead(res);
      if (opts.buffered) return;
      res.write(`retry: 50\n\nid: c.${seq}\nevent: ready\ndata: {"user":"u1","counts":{"unread":1,"unseen":1,"total":1},"heartbeatMs":15000,"topics":[],"resumed":false}\n\n`);
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    if (req.headers.authorization === 'Bearer stale') return json(res, 401, { error: { code: 'token_expired', message: 'expired' } });
    if (path === '/v1/inbox') return json(res, 200, { items, nextCursor: null });
    if (path === '/v1/inbox/counts') return json(res, 200, { unread: items.length, unseen: items.length, total: items.length });
    if (path === '/v1/inbox/read') return json(res, 200, { changed: JSON.parse(req.body).ids.length });
    if (path === '/v1/inbox/archive') return json(res, 404, { error: { code: 'not_found', message: 'no such item' } });
    json(res, 404, { error: { code: 'not_found', message: 'Not found.' } });
  });
  return {
    srv,
    items,
    push(event: string, data: unknown) {
      const frame = `id: c.${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const s of streams) s.write(frame);
    },
    streams: () => streams.size,
  };
}

let servers: TestServer[] = [];
let clients: Herald[] = [];

afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  for (const s of servers) await s.close();
  servers = [];
});

function record(h: Herald) {
  const got: { [K in keyof HeraldEvents]: HeraldEvents[K][] } = { notification: [], state: [], counts: [], change: [], topic: [], connection: [] };
  for (const k of Object.keys(got) as (keyof HeraldEvents)[]) h.on(k, (p) => (got[k] as unknown[]).push(p));
  return got;
}

const quiet = { window: null, document: null, navigator: null, minDelayMs: 20 };

describe('createHerald', () => {
  it('works in Node without sharing: loads the inbox, streams notifications, counts and topic events', async () => {
    const hub = await startHerald();
    servers.push(hub.srv);
    const h = createHerald({ url: hub.srv.url + '/', token: 'tok', topics: ['orders.42', 'news'], share: false, stream: quiet });
    clients.push(h);
    const got = record(h);
    h.connect();
    await until(() => h.state === 'live' && h.inbox.snapshot.loaded);
    expect(h.leader).toBe(true);
    const stream = hub.srv.requests.find((r) => r.url.startsWith('/v1/stream'))!;
    expect(stream.url).toBe('/v1/stream?topics=orders.42,news');
    expect(hub.srv.requests.every((r) => r.headers.authorization === 'Bearer tok')).toBe(true);
    expect(h.inbox.snapshot.counts).toEqual({ unread: 1, unseen: 1, total: 1 });

    hub.push('notification', note(2));
    hub.push('counts', { unread: 2, unseen: 2, total: 2 });
    hub.push('order.updated', { topic: 'orders.42', data: { status: 'shipped' }, at: 'T' });
    hub.push('message', { topic: 'news', data: 'hello', at: 'T2' });
    await until(() => got.topic.length === 2);
    expect(got.notification.map((n) => n.id)).toEqual(['n2']);
    expect(h.inbox.snapshot.items.map((n) => n.id)).toEqual(['n2', 'n1']);
    expect(h.inbox.snapshot.counts.unread).toBe(2);
    expect(got.topic).toEqual([
      { topic: 'orders.42', data: { status: 'shipped' }, at: 'T', event: 'order.updated', id: 'c.3' },
      { topic: 'news', data: 'hello', at: 'T2', event: 'message', id: 'c.4' },
    ]);
    expect(got.connection.map((s) => s.newState)).toEqual(['connecting', 'live']);
  });

  it('sends inbox actions over REST and refreshes a refused token once', async () => {
    const hub = await startHerald();
    servers.push(hub.srv);
    const asked: boolean[] = [];
    const h = createHerald({
      url: hub.srv.url,
      getToken: (refresh) => (asked.push(refresh), refresh ? 'fresh' : 'stale'),
      share: false,
      autoLoad: false,
      stream: quiet,
    });
    clients.push(h);
    expect(await h.inbox.markRead(['n1'])).toBe(1);
    const post = hub.srv.requests.filter((r) => r.url === '/v1/inbox/read');
    expect(post.map((r) => r.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(JSON.parse(post[1].body)).toEqual({ ids: ['n1'] });
    expect(post[1].headers['content-type']).toBe('application/json');
    expect(asked).toEqual([false, true]);
  });

  it('rejects with a typed HeraldError carrying the server code', async () => {
    const hub = await startHerald();
    servers.push(hub.srv);
    const h = createHerald({ url: hub.srv.url, token: 't', share: false, autoLoad: false, stream: quiet });
    clients.push(h);
    const err = await h.inbox.archive(['nope']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeraldError);
    expect((err as HeraldError).code).toBe('not_found');
    expect((err as HeraldError).message).toBe('no such item');
  });

  it('polls the inbox while a proxy buffers the stream, announcing new items', async () => {
    const hub = await startHerald({ buffered: true });
    servers.push(hub.srv);
    const h = createHerald({ url: hub.srv.url, token: 't', share: false, pollMs: 100, stream: { ...quiet, heartbeatMs: 100, probeMs: 60_000 } });
    clients.push(h);
    const got = record(h);
    h.connect();
    await until(() => h.state === 'polling', 10_000, 'polling');
    hub.items.unshift(note(2));
    await until(() => got.notification.length === 1, 10_000, 'a polled notification');
    expect(got.notification[0].id).toBe('n2');
    expect(h.inbox.snapshot.items.map((n) => n.id)).toEqual(['n2', 'n1']);
    expect(got.connection.at(-1)).toMatchObject({ newState: 'polling', reason: 'buffered' });
  });

  it('shares one stream between two tabs and delivers to both', async () => {
    const hub = await startHerald();
    servers.push(hub.srv);
    const locks = createFakeLocks();
    const opts = { url: hub.srv.url, token: 't', locks, share: true, shareKey: `client-test-${process.pid}`, storage: null, stream: quiet };
    const a = createHerald(opts);
    const b = createHerald(opts);
    clients.push(a, b);
    const ga = record(a);
    const gb = record(b);
    a.connect();
    await until(() => a.state === 'live' && a.leader);
    b.connect();
    await until(() => b.state === 'live' && b.inbox.snapshot.loaded);
    expect(b.leader).toBe(false);
    hub.push('notification', note(3));
    await until(() => gb.notification.length === 1 && ga.notification.length === 1);
    expect(b.inbox.snapshot.items.map((n) => n.id)).toEqual(['n3', 'n1']);
    expect(hub.streams()).toBe(1);
  });
});

/** A JWT-shaped token (unsigned: the fake hub trusts it) for `sub`. */
const jwt = (sub: string) => `h.${Buffer.from(JSON.stringify({ sub, exp: 9e9 })).toString('base64url')}.s`;

/**
 * A fake Herald with users: the user is the bearer token's sub, or (cookie auth, where Node's
 * fetch has no jar) the `x-user` header. Each stream's ready names its user; `push` reaches only
 * that user's streams; `refuse` makes that user's token answer 401 from then on.
 */
async function startUsersHerald() {
  const streams = new Map<http.ServerResponse, string>();
  const refused = new Set<string>();
  let seq = 0;
  const userOf = (req: Seen) => {
    const auth = req.headers.authorization?.replace(/^Bearer /, '');
    if (!auth) return req.headers['x-user'] as string | undefined;
    return JSON.parse(Buffer.from(auth.split('.')[1], 'base64url').toString()).sub as string;
  };
  const srv = await startServer((req, res) => {
    const user = userOf(req);
    if (!user || refused.has(user)) return json(res, 401, { error: { code: 'token_expired', message: 'expired' } });
    const path = req.url.split('?')[0];
    if (path === '/v1/stream') {
      sseHead(res);
      res.write(`retry: 50\n\nid: c.${seq}\nevent: ready\ndata: ${JSON.stringify({ user, counts: { unread: 0, unseen: 0, total: 1 }, heartbeatMs: 15000, topics: [], resumed: false })}\n\n`);
      streams.set(res, user);
      res.on('close', () => streams.delete(res));
      return;
    }
    if (path === '/v1/inbox') return json(res, 200, { items: [{ ...note(1), id: `old-${user}`, recipient: user }], nextCursor: null });
    if (path === '/v1/inbox/counts') return json(res, 200, { unread: 1, unseen: 1, total: 1 });
    json(res, 404, { error: { code: 'not_found', message: 'Not found.' } });
  });
  return {
    srv,
    push(user: string, n: Notification) {
      const frame = `id: c.${++seq}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`;
      for (const [s, u] of streams) if (u === user) s.write(frame);
    },
    streams: (user: string) => [...streams.values()].filter((u) => u === user).length,
    refuse: (user: string) => refused.add(user),
  };
}

const to = (user: string, i: number): Notification => ({ ...note(i), id: `${user}-${i}`, recipient: user });

describe('createHerald shares one connection per user', () => {
  it('two users in one browser never share a stream: each tab gets exactly its own notifications, live', async () => {
    const hub = await startUsersHerald();
    servers.push(hub.srv);
    const locks = createFakeLocks();
    const opts = { url: hub.srv.url, locks, share: true, storage: null, stream: quiet };
    const alice = createHerald({ ...opts, token: jwt('alice') });
    const bob = createHerald({ ...opts, getToken: () => jwt('bob') });
    clients.push(alice, bob);
    const ga = record(alice);
    const gb = record(bob);
    alice.connect();
    await until(() => alice.state === 'live' && alice.leader, 5000, 'alice live');
    bob.connect();
    await until(() => bob.state === 'live' && hub.streams('bob') === 1, 5000, 'bob on a stream of his own');
    expect([alice.user, bob.user]).toEqual(['alice', 'bob']);
    expect(bob.leader).toBe(true);
    hub.push('alice', to('alice', 2));
    hub.push('bob', to('bob', 3));
    await until(() => ga.notification.length === 1 && gb.notification.length === 1, 5000, 'one each');
    await new Promise((r) => setTimeout(r, 50));
    expect(ga.notification.map((x) => x.recipient)).toEqual(['alice']);
    expect(gb.notification.map((x) => x.recipient)).toEqual(['bob']);
  });

  it('a tab whose refreshed token names another user leaves the old group at once and drops the old user’s items', async () => {
    const hub = await startUsersHerald();
    servers.push(hub.srv);
    const locks = createFakeLocks();
    let who = 'alice';
    const h = createHerald({ url: hub.srv.url, getToken: () => jwt(who), locks, share: true, storage: null, stream: quiet });
    clients.push(h);
    const got = record(h);
    h.connect();
    await until(() => h.state === 'live' && h.inbox.snapshot.loaded, 5000, 'alice live and loaded');
    expect(h.inbox.snapshot.items.map((x) => x.recipient)).toEqual(['alice']);
    const aliceLock = `herald:${shareKey(`${hub.srv.url}|`, 'alice')}`;
    expect(locks.held(aliceLock)).toBe(true);

    // Logged out and in as bob elsewhere: alice's token is refused, the token source gives bob's.
    who = 'bob';
    hub.refuse('alice');
    // Refused once, then retried with bob's token: what it answers is checked below, not here.
    await h.inbox.counts().catch(() => {});
    expect(h.user).toBe('bob');
    await until(() => !locks.held(aliceLock), 1000, 'alice’s lock released');
    await until(() => h.state === 'live' && hub.streams('bob') === 1 && h.inbox.snapshot.loaded, 5000, 'bob live and loaded');
    expect(h.inbox.snapshot.items.map((x) => x.recipient)).toEqual(['bob']);
    expect(hub.streams('alice')).toBe(0);
    hub.push('alice', to('alice', 4));
    hub.push('bob', to('bob', 5));
    await until(() => got.notification.length === 1, 5000, 'bob’s notification');
    expect(got.notification.map((x) => x.recipient)).toEqual(['bob']);
  });

  it('with a cookie (no token), learns the user from ready before sharing, and shares only with that user’s tabs', async () => {
    const hub = await startUsersHerald();
    servers.push(hub.srv);
    const locks = createFakeLocks();
    // Node's fetch has no cookie jar: the header stands for the session cookie.
    const as = (user: string): typeof fetch => (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-user': user } });
    const opts = { url: hub.srv.url, locks, share: true, storage: null, stream: quiet };
    const c1 = createHerald({ ...opts, fetch: as('carol') });
    const c2 = createHerald({ ...opts, fetch: as('carol') });
    const d1 = createHerald({ ...opts, fetch: as('dave') });
    clients.push(c1, c2, d1);
    const [g1, g2, gd] = [record(c1), record(c2), record(d1)];
    for (const c of [c1, c2, d1]) c.connect();
    await until(() => [c1, c2, d1].every((c) => c.state === 'live' && c.user), 5000, 'all live, users known');
    expect([c1.user, c2.user, d1.user]).toEqual(['carol', 'carol', 'dave']);
    // The probes close once the user is known: one stream per user.
    await until(() => hub.streams('carol') === 1 && hub.streams('dave') === 1, 5000, 'one stream per user');
    hub.push('carol', to('carol', 6));
    hub.push('dave', to('dave', 7));
    await until(() => g1.notification.length === 1 && g2.notification.length === 1 && gd.notification.length === 1, 5000, 'one each');
    expect([g1, g2, gd].map((g) => g.notification.map((x) => x.recipient))).toEqual([['carol'], ['carol'], ['dave']]);
  });

  it('a tab whose token source answers no token on refresh (signed out) leaves its group at once and keeps nothing of the user', async () => {
    const hub = await startUsersHerald();
    servers.push(hub.srv);
    const locks = createFakeLocks();
    let who: string | null = 'alice';
    const h = createHerald({ url: hub.srv.url, getToken: () => (who ? jwt(who) : null), locks, share: true, storage: null, stream: quiet });
    clients.push(h);
    h.connect();
    await until(() => h.state === 'live' && h.inbox.snapshot.loaded, 5000, 'alice live and loaded');
    const aliceLock = `herald:${shareKey(`${hub.srv.url}|`, 'alice')}`;
    expect(locks.held(aliceLock)).toBe(true);

    // Signed out in another tab: alice's token is refused and the token source has none.
    who = null;
    hub.refuse('alice');
    await expect(h.inbox.counts()).rejects.toMatchObject({ code: 'token_expired' });
    expect(h.user).toBeUndefined();
    expect(h.inbox.snapshot.items).toEqual([]);
    expect(h.state).toBe('offline');
    await until(() => !locks.held(aliceLock) && hub.streams('alice') === 0, 1000, 'alice’s lock and stream released');
  });
});
