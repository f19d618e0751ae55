import { afterEach, describe, expect, it } from 'vitest';
import { createFakeLocks, type FakeLocks } from './fake-locks.ts';
import { shareKey } from './identity.ts';
import type { SseEvent } from './parser.ts';
import type { ChannelLike, StreamSink } from './relay.ts';
import { createSharedConnection, type SharedConnection } from './shared-connection.ts';
import { until } from './sse-test-server.ts';

/** One tab: its connection, what it applied, the streams it opened and the user changes it saw. */
interface Tab {
  conn: SharedConnection;
  events: SseEvent[];
  streams: { cursor: string | undefined; sink: StreamSink; closed: boolean }[];
  switches: [string, string][];
  /** Every channel name it opened and whether that channel is closed. */
  channels: { name: string; closed: boolean }[];
}

let tabs: Tab[] = [];
let n = 0;
afterEach(() => {
  for (const t of tabs) t.conn.close();
  tabs = [];
});

function tab(scope: string, locks: FakeLocks, firstUser: Promise<string | undefined>): Tab {
  const t: Tab = { events: [], streams: [], switches: [], channels: [], conn: undefined as unknown as SharedConnection };
  t.conn = createSharedConnection({
    scope,
    locks,
    firstUser,
    storage: null,
    channel(name) {
      const real = new BroadcastChannel(name);
      const c = { name, closed: false };
      t.channels.push(c);
      const ch: ChannelLike = {
        postMessage: (m) => real.postMessage(m),
        addEventListener: (_t, fn) => real.addEventListener('message', fn as EventListener),
        removeEventListener: (_t, fn) => real.removeEventListener('message', fn as EventListener),
        close: () => ((c.closed = true), real.close()),
      };
      return ch;
    },
    open(cursor, sink) {
      const s = { cursor, sink, closed: false };
      t.streams.push(s);
      return { close: () => void (s.closed = true) };
    },
    onEvent: (e) => t.events.push(e),
    onState: () => {},
    onUser: (to, from) => t.switches.push([to, from]),
    relay: { beatMs: 50, deadMs: 500 },
    window: null,
    document: null,
  });
  tabs.push(t);
  return t;
}

const lock = (scope: string, user: string) => `herald:${shareKey(scope, user)}`;
const ready = (user: string, id = 'c.0'): SseEvent => ({ event: 'ready', id, data: JSON.stringify({ user, counts: { unread: 0, unseen: 0, total: 0 } }) });
const open = (t: Tab) => t.streams.filter((s) => !s.closed);

describe('createSharedConnection', () => {
  it('joins the group of the token’s user before opening any stream, and two users get two groups', async () => {
    const scope = `sc-${process.pid}-${n++}`;
    const locks = createFakeLocks();
    const a = tab(scope, locks, Promise.resolve('alice'));
    const b = tab(scope, locks, Promise.resolve('bob'));
    await until(() => a.conn.leader && b.conn.leader, 5000, 'each to lead its own group');
    expect(locks.held(lock(scope, 'alice'))).toBe(true);
    expect(locks.held(lock(scope, 'bob'))).toBe(true);
    expect(a.streams).toHaveLength(1);
    expect(b.streams).toHaveLength(1);
    expect([a.conn.user, b.conn.user]).toEqual(['alice', 'bob']);
    expect(a.channels.map((c) => c.name)).toEqual([`herald:${shareKey(scope, 'alice')}`]);
  });

  it('without a readable token, opens its own stream first and joins no group until ready names the user', async () => {
    const scope = `sc-${process.pid}-${n++}`;
    const locks = createFakeLocks();
    const a = tab(scope, locks, Promise.resolve(undefined));
    await until(() => a.streams.length === 1, 5000, 'the probe stream');
    expect(a.channels).toEqual([]);
    expect(a.conn.user).toBeUndefined();
    a.streams[0].sink.onEvent(ready('carol', 'c.7'));
    // The probe's ready is applied (counts), then the tab joins carol's group, resuming from it.
    expect(a.events.map((e) => e.event)).toEqual(['ready']);
    expect(a.streams[0].closed).toBe(true);
    expect(a.conn.user).toBe('carol');
    await until(() => a.conn.leader && a.streams.length === 2, 5000, 'A to lead carol’s group');
    expect(a.streams[1].cursor).toBe('c.7');
    expect(locks.held(lock(scope, 'carol'))).toBe(true);
    expect(a.switches).toEqual([]);
  });

  it('when the user changes, leaves the old group at once (stream closed, channel closed, lock released) and joins the new one', async () => {
    const scope = `sc-${process.pid}-${n++}`;
    const locks = createFakeLocks();
    const a = tab(scope, locks, Promise.resolve('alice'));
    await until(() => a.conn.leader && open(a).length === 1, 5000, 'A to lead alice’s group');
    const alice = open(a)[0];

    a.conn.identify('bob');
    // Synchronously: the old stream and channel are closed and the owner was told.
    expect(alice.closed).toBe(true);
    expect(a.channels[0].closed).toBe(true);
    expect(a.switches).toEqual([['bob', 'alice']]);
    expect(a.conn.user).toBe('bob');
    // The lock is released as soon as the lock manager runs (a microtask), not after a timeout.
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(locks.held(lock(scope, 'alice'))).toBe(false);
    await until(() => locks.held(lock(scope, 'bob')) && open(a).length === 1, 5000, 'A to lead bob’s group');
    // A late event from the old stream is ignored.
    alice.sink.onEvent({ event: 'notification', id: 'c.9', data: '{"recipient":"alice"}' });
    expect(a.events).toEqual([]);
  });

  it('a leader whose stream says (in ready) it now belongs to another user moves, and relays nothing of it', async () => {
    const scope = `sc-${process.pid}-${n++}`;
    const locks = createFakeLocks();
    const a = tab(scope, locks, Promise.resolve('alice'));
    const b = tab(scope, locks, Promise.resolve('alice'));
    await until(() => a.conn.leader && open(a).length === 1, 5000, 'A to lead');
    open(a)[0].sink.onEvent(ready('alice', 'c.1'));
    await until(() => b.events.length === 1, 5000, 'B to hear the leader');

    // The token behind A's stream now names bob (cookie changed in another tab, say).
    open(a)[0].sink.onEvent(ready('bob', 'c.2'));
    open(a).at(-1)?.sink.onEvent({ event: 'notification', id: 'c.3', data: '{"recipient":"bob"}' });
    expect(a.conn.user).toBe('bob');
    expect(a.switches).toEqual([['bob', 'alice']]);
    // B, still alice, takes over alice's group and never hears bob's events.
    await until(() => b.conn.leader, 5000, 'B to lead alice’s group');
    await new Promise((r) => setTimeout(r, 100));
    expect(b.events.map((e) => e.data).filter((d) => d.includes('bob'))).toEqual([]);
    expect(b.switches).toEqual([]);
  });

  it('close leaves the group and opens nothing more', async () => {
    const scope = `sc-${process.pid}-${n++}`;
    const locks = createFakeLocks();
    let resolve!: (u: string) => void;
    const a = tab(scope, locks, new Promise((r) => (resolve = r)));
    a.conn.close();
    resolve('alice');
    await new Promise((r) => setTimeout(r, 20));
    expect(a.streams).toEqual([]);
    expect(a.channels).toEqual([]);
    expect(a.conn.state).toBe('offline');
  });
});
