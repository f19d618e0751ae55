import { encodeBody } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { recorder } from '../../../../test/support/recording-sink.ts';
import { Connection, type ConnectionHost } from './connection.ts';
import type { EncodedTopic, EncodedUser } from './encoded.ts';

const u = (seq: number): EncodedUser => ({ kind: 'user', user: 'alice', seq, changesCounts: false, body: encodeBody('notification', JSON.stringify({ seq })) });
const t = (seq: number): EncodedTopic => ({ kind: 'topic', topic: 'broadcast', seq, seq36: seq.toString(36), body: encodeBody('message', JSON.stringify({ topic: seq })) });

function setup() {
  const asked = { repair: 0, closed: [] as string[] };
  const host: ConnectionHost = {
    repair: () => void asked.repair++,
    countsChanged: () => {},
    markDirty: () => {},
    closed: (_c, reason) => void asked.closed.push(reason),
  };
  const conn = new Connection({ id: 1, user: 'alice', topics: ['broadcast'], epoch: 'ep', host, expiresAt: Infinity, bufferLimit: 1 << 20 });
  const r = recorder();
  conn.attach(r.sink);
  /** Flushes and returns what the client saw: user seqs as numbers, topic seqs as `t<n>`, other events by name. */
  const seen = () => {
    conn.flush();
    return r.events().map((e) => (e.event === 'notification' ? e.data.seq : e.event === 'message' ? `t${e.data.topic}` : `${e.event}:${JSON.stringify(e.data)}@${e.id}`));
  };
  return { conn, asked, seen };
}

describe('Connection resume state', () => {
  it('buffers while opening and catching up, then releases in order, dropping what the replay already wrote', () => {
    const { conn, seen } = setup();
    conn.offer(u(3));
    conn.begin(1, 0);
    conn.offer(u(4));
    expect(conn.phase).toBe('catching_up');
    expect(conn.replayUser(u(2))).toBe(true);
    expect(conn.replayUser(u(2))).toBe(false);
    expect(conn.replayUser(u(3))).toBe(true);
    conn.goLive();
    expect([conn.phase, conn.userSeq, seen()]).toEqual(['live', 4, [2, 3, 4]]);
  });

  it('a gap on the live path moves to repairing once, asks for one repair, and buffers what follows', () => {
    const { conn, asked, seen } = setup();
    conn.begin(0, 0);
    conn.goLive();
    conn.offer(u(1));
    conn.offer(u(3));
    conn.offer(u(4));
    conn.offer(t(7));
    expect([conn.phase, asked.repair, conn.mustReach()]).toEqual(['repairing', 1, 2]);
    expect(conn.replayUser(u(2))).toBe(true);
    conn.goLive();
    expect([conn.phase, asked.repair, seen()]).toEqual(['live', 1, [1, 2, 3, 4, 't7']]);
  });

  it('skipTo tells the client reset with an id at the new position, and waiting events up to it are dropped', () => {
    const { conn, seen } = setup();
    conn.begin(0, 0);
    conn.goLive();
    conn.offer(u(5));
    conn.offer(u(9));
    conn.offer(u(10));
    conn.skipTo(9, 'retention');
    conn.goLive();
    expect(seen()).toEqual(['reset:{"reason":"retention"}@ep.9.0', 10]);
    expect(conn.cursor()).toBe('ep.a.0');
  });

  it('a gap met again while releasing buffered events asks for another repair and keeps the rest waiting', () => {
    const { conn, asked, seen } = setup();
    conn.begin(0, 0);
    conn.goLive();
    conn.offer(u(2));
    conn.offer(u(5));
    conn.offer(u(6));
    conn.replayUser(u(1));
    conn.goLive();
    expect([conn.phase, asked.repair, conn.mustReach(), seen()]).toEqual(['repairing', 2, 4, [1, 2]]);
  });

  const illegal: [string, (c: Connection) => void][] = [
    ['goLive while opening', (c) => c.goLive()],
    ['begin twice', (c) => (c.begin(0, 0), c.begin(0, 0))],
    ['skipTo while live', (c) => (c.begin(0, 0), c.goLive(), c.skipTo(5, 'retention'))],
    ['goLive while live', (c) => (c.begin(0, 0), c.goLive(), c.goLive())],
  ];
  it.each(illegal)('refuses a move the table does not allow: %s', (_name, act) => {
    expect(() => act(setup().conn)).toThrow(/stream 1/);
  });

  it('resync moves a live stream back to catching up, and asks a replay under way to read again, once', () => {
    const { conn } = setup();
    expect([conn.resync(), conn.phase]).toEqual([false, 'opening']);
    conn.begin(0, 0);
    expect([conn.resync(), conn.phase]).toEqual([false, 'catching_up']);
    expect([conn.takeResync(), conn.takeResync()]).toEqual([true, false]);
    conn.goLive();
    expect([conn.resync(), conn.phase, conn.takeResync()]).toEqual([true, 'catching_up', false]);
  });

  it('a closed stream ignores events and replays, and reports its close once', () => {
    const { conn, asked } = setup();
    conn.begin(0, 0);
    conn.close('client');
    conn.close('shutdown');
    conn.offer(u(1));
    expect([conn.replayUser(u(1)), conn.closed, asked.closed]).toEqual([false, true, ['client']]);
  });
});
