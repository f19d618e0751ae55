import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeLocks, type FakeLocks } from './fake-locks.ts';
import type { SseEvent } from './parser.ts';
import { createRelay, type ChannelLike, type Relay, type StorageLike } from './relay.ts';
import { sseHead, startServer, until, type TestServer } from './sse-test-server.ts';
import { createStream, type StateEvent } from './stream.ts';

/**
 * A tiny hub: a log of events `e.<n>`; a connection gets `ready` then a replay after its
 * Last-Event-ID, then live events. With `overlap`, the replay repeats the cursor's own event,
 * as an at-least-once server would, so followers must drop it by id.
 */
async function startHub(overlap = false) {
  const log: string[] = [];
  const open = new Set<http.ServerResponse>();
  const frame = (i: number) => `id: e.${i + 1}\nevent: notification\ndata: ${JSON.stringify(log[i])}\n\n`;
  const srv = await startServer((req, res) => {
    sseHead(res);
    const last = req.headers['last-event-id'];
    const from = typeof last === 'string' ? Number(last.slice(2)) - (overlap ? 1 : 0) : log.length;
    let out = `retry: 20\n\nid: e.${log.length}\nevent: ready\ndata: {"heartbeatMs":15000}\n\n`;
    for (let i = Math.max(0, from); i < log.length; i++) out += frame(i);
    res.write(out);
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  return {
    srv,
    publish(text: string) {
      log.push(text);
      for (const res of open) res.write(frame(log.length - 1));
    },
    connections: () => open.size,
  };
}

interface Tab {
  relay: Relay;
  events: SseEvent[];
  states: StateEvent[];
  /** A frozen tab neither sends nor receives on the channel. */
  frozen: boolean;
  doc: EventTarget;
}

let servers: TestServer[] = [];
let tabs: Tab[] = [];
let n = 0;

afterEach(async () => {
  for (const t of tabs) t.relay.close();
  tabs = [];
  for (const s of servers) await s.close();
  servers = [];
});

function tab(name: string, url: string, locks: FakeLocks, storage: StorageLike | null = null): Tab {
  const real = new BroadcastChannel(name);
  const listeners = new Map<unknown, (e: MessageEvent) => void>();
  const t: Tab = { events: [], states: [], frozen: false, doc: new EventTarget(), relay: undefined as unknown as Relay };
  const channel: ChannelLike = {
    postMessage: (m) => !t.frozen && real.postMessage(m),
    addEventListener(_type, fn) {
      const wrapped = (e: MessageEvent) => !t.frozen && fn(e);
      listeners.set(fn, wrapped);
      real.addEventListener('message', wrapped as EventListener);
    },
    removeEventListener(_type, fn) {
      real.removeEventListener('message', listeners.get(fn) as EventListener);
    },
    close: () => real.close(),
  };
  t.relay = createRelay({
    name,
    channel,
    locks,
    storage,
    beatMs: 50,
    deadMs: 500,
    window: null,
    document: t.doc,
    open(cursor, sink) {
      const s = createStream({ url: `${url}/v1/stream`, lastEventId: cursor, ...sink, minDelayMs: 20, window: null, document: null, navigator: null });
      s.connect();
      return s;
    },
    onEvent: (e) => t.events.push(e),
    onState: (s) => t.states.push(s),
  });
  tabs.push(t);
  return t;
}

const notes = (t: Tab) => t.events.filter((e) => e.event === 'notification').map((e) => e.id);
const ids = (k: number) => Array.from({ length: k }, (_, i) => `e.${i + 1}`);

async function twoTabs(overlap = false, storage: StorageLike | null = null) {
  const hub = await startHub(overlap);
  servers.push(hub.srv);
  const name = `relay-test-${process.pid}-${n++}`;
  const locks = createFakeLocks();
  const a = tab(name, hub.srv.url, locks, storage);
  await until(() => a.relay.leader && a.relay.state === 'live', 10_000, 'A to lead and go live');
  const b = tab(name, hub.srv.url, locks, storage);
  await until(() => b.relay.state === 'live', 10_000, 'B to hear that the leader is live');
  return { hub, a, b, name, locks };
}

describe('createRelay', () => {
  it('shares one connection: the leader streams, the follower gets every event once', async () => {
    const { hub, a, b } = await twoTabs();
    expect(b.relay.leader).toBe(false);
    for (const x of ['one', 'two', 'three']) hub.publish(x);
    await until(() => notes(b).length === 3, 10_000, 'B to get three events');
    expect(notes(a)).toEqual(ids(3));
    expect(notes(b)).toEqual(ids(3));
    expect(b.events.map((e) => e.data)).toEqual(['"one"', '"two"', '"three"']);
    expect(hub.srv.requests).toHaveLength(1);
    expect(b.relay.cursor).toBe('e.3');
  });

  it('hands over within 2 s when the leader closes, resuming from the cursor with no loss or duplicate', async () => {
    const { hub, a, b } = await twoTabs(true);
    hub.publish('one');
    hub.publish('two');
    await until(() => notes(b).length === 2);
    a.relay.close();
    const closedAt = Date.now();
    // Published while nobody is connected: only a resume can deliver it.
    hub.publish('three');
    await until(() => b.relay.leader, 2000, 'B to lead within 2 s');
    expect(Date.now() - closedAt).toBeLessThan(2000);
    await until(() => notes(b).length >= 3, 10_000, 'B to get the gap event');
    hub.publish('four');
    await until(() => notes(b).length >= 4);
    expect(hub.srv.requests[1].headers['last-event-id']).toBe('e.2');
    // The server replayed e.2 again (overlap): it was dropped.
    expect(notes(b)).toEqual(ids(4));
  });

  it('relays the leader state to followers', async () => {
    const { b } = await twoTabs();
    expect(b.states.at(-1)?.newState).toBe('live');
  });

  it('releases the lock on freeze so a follower leads', async () => {
    const { hub, a, b } = await twoTabs();
    hub.publish('one');
    await until(() => notes(b).length === 1);
    a.doc.dispatchEvent(new Event('freeze'));
    expect(a.relay.leader).toBe(false);
    await until(() => b.relay.leader && b.relay.state === 'live', 2000, 'B to lead');
    hub.publish('two');
    await until(() => notes(b).length === 2);
    expect(notes(b)).toEqual(ids(2));
    // A queues again on resume and follows.
    a.doc.dispatchEvent(new Event('resume'));
    hub.publish('three');
    // A paused tab that still runs keeps applying what the new leader relays.
    await until(() => notes(a).length === 3, 10_000, 'A to follow again');
    expect(notes(a)).toEqual(ids(3));
    expect(a.relay.leader).toBe(false);
  });

  it('steals the lock from a leader that stopped beating (frozen tab)', async () => {
    const { hub, a, b } = await twoTabs();
    hub.publish('one');
    await until(() => notes(b).length === 1);
    a.frozen = true;
    await until(() => b.relay.leader, 5000, 'B to steal the lock');
    await until(() => !a.relay.leader, 5000, 'A to learn it was deposed');
    hub.publish('two');
    await until(() => notes(b).length === 2);
    expect(notes(b)).toEqual(ids(2));
    expect(hub.srv.requests.at(-1)?.headers['last-event-id']).toBe('e.1');
    // The deposed leader closed its stream: only B's connection remains.
    await until(() => hub.connections() === 1, 5000, 'A to disconnect');
  });

  it('lets a tab that heard nothing yet resume from the stored cursor', async () => {
    const store = new Map<string, string>();
    const storage: StorageLike = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) };
    const hub = await startHub();
    servers.push(hub.srv);
    const name = `relay-test-${process.pid}-${n++}`;
    const locks = createFakeLocks();
    const a = tab(name, hub.srv.url, locks, storage);
    await until(() => a.relay.state === 'live');
    hub.publish('one');
    await until(() => notes(a).length === 1);
    a.relay.close();
    hub.publish('two');
    const c = tab(name, hub.srv.url, locks, storage);
    await until(() => notes(c).length === 1, 10_000, 'C to replay the missed event');
    expect(notes(c)).toEqual(['e.2']);
    expect(hub.srv.requests[1].headers['last-event-id']).toBe('e.1');
  });
});

describe('createRelay for one user', () => {
  it('a follower drops every relayed message whose user is not its own, and any ready naming another user', async () => {
    const name = `relay-test-${process.pid}-${n++}`;
    const locks = createFakeLocks();
    // Another tab holds the lock for good, so this one follows.
    void locks.request(`herald:${name}`, { mode: 'exclusive' }, () => new Promise(() => {}));
    const events: SseEvent[] = [];
    const relay = createRelay({
      name,
      user: 'u1',
      channel: new BroadcastChannel(name),
      locks,
      storage: null,
      window: null,
      document: null,
      open: () => ({ close() {} }),
      onEvent: (e) => events.push(e),
      onState: () => {},
    });
    tabs.push({ relay, events, states: [], frozen: false, doc: new EventTarget() });
    const other = new BroadcastChannel(name);
    const note = (id: string) => ({ event: 'notification', id, data: `"${id}"` });
    other.postMessage({ t: 'e', e: note('of-u2'), u: 'u2' });
    other.postMessage({ t: 'e', e: note('untagged') });
    other.postMessage({ t: 'e', e: { event: 'ready', id: 'r', data: '{"user":"u2"}' }, u: 'u1' });
    other.postMessage({ t: 'b', c: 'cursor-of-u2', s: 'live', u: 'u2' });
    other.postMessage({ t: 'e', e: note('of-u1'), u: 'u1' });
    await until(() => events.length > 0, 5000, 'the u1 event');
    await new Promise((r) => setTimeout(r, 50));
    other.close();
    expect(events.map((e) => e.id)).toEqual(['of-u1']);
    expect(relay.cursor).toBe('of-u1');
  });

  it('a leader whose stream names another user in ready relays nothing more and reports that user', async () => {
    const name = `relay-test-${process.pid}-${n++}`;
    const posted: unknown[] = [];
    const seenUsers: string[] = [];
    let sink: { onEvent(e: SseEvent): void } | undefined;
    const relay = createRelay({
      name,
      user: 'u1',
      channel: { postMessage: (m) => posted.push(m), addEventListener() {}, removeEventListener() {}, close() {} },
      locks: createFakeLocks(),
      storage: null,
      window: null,
      document: null,
      open: (_c, s) => ((sink = s), { close() {} }),
      onEvent: () => {},
      onState: () => {},
      onUser: (u) => seenUsers.push(u),
    });
    tabs.push({ relay, events: [], states: [], frozen: false, doc: new EventTarget() });
    await until(() => relay.leader && !!sink, 5000, 'to lead');
    sink!.onEvent({ event: 'ready', id: 'a', data: '{"user":"u1"}' });
    sink!.onEvent({ event: 'ready', id: 'b', data: '{"user":"u2"}' });
    sink!.onEvent({ event: 'notification', id: 'c', data: '"for u2"' });
    const relayed = posted.filter((m) => (m as { t: string }).t === 'e') as { e: SseEvent; u: string }[];
    expect(relayed.map((m) => [m.e.id, m.u])).toEqual([['a', 'u1']]);
    expect(posted.every((m) => (m as { u?: string }).u === 'u1')).toBe(true);
    expect(seenUsers).toEqual(['u2']);
  });
});
