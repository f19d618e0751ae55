/**
 * Streams that meet a range retention removed: a resume racing a trim, a live gap whose range was
 * trimmed, and the start-up trim. Each must end in `reset {reason:"retention"}` followed by live
 * delivery, never silence, and never a loop of store reads (DESIGN §2).
 */
import { describe, expect, it } from 'vitest';
import { countingStore } from '../../../../test/support/counting-store.ts';
import { recorder, until } from '../../../../test/support/recording-sink.ts';
import type { Bus, BusHandlers } from '../bus/bus.ts';
import { createMemoryBus } from '../bus/memory-bus.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { Retention, Store } from '../store/store.ts';
import { Hub } from './hub.ts';

const KEEP_ALL: Retention = { userEventMaxCount: 1e9, userEventAgeMs: 1e12, topicMaxCount: 1e9, topicAgeMs: 1e12 };
const keep = (n: number): Retention => ({ ...KEEP_ALL, userEventMaxCount: n });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function setup(store: Store) {
  const hub = new Hub({ store, bus: createMemoryBus(), heartbeatMs: 60_000, retention: KEEP_ALL });
  await hub.start();
  const open = async (user: string, cursor?: string) => {
    const r = recorder();
    const conn = await hub.openStream({ user, topics: [], cursor, expiresAt: Date.now() + 3600_000, ip: '127.0.0.1', open: () => r.sink });
    return { ...r, conn };
  };
  const publish = (title: string) => hub.publish({ recipients: ['alice'], title, severity: 'info' });
  return { hub, open, publish };
}

/** A memory bus that can go down (dropping every message) and come back with a resync, as Redis does. */
function outageBus() {
  const inner = createMemoryBus();
  let handlers: BusHandlers | undefined;
  let down = false;
  const bus: Bus = {
    start: (h) => ((handlers = h), inner.start({ message: (m) => void (down || h.message(m)), resync: () => h.resync() })),
    publish: (m) => inner.publish(m),
    subscribe: (c) => inner.subscribe(c),
    unsubscribe: (c) => inner.unsubscribe(c),
    healthy: () => !down && inner.healthy(),
    close: () => inner.close(),
  };
  return {
    bus,
    goDown: () => void (down = true),
    comeBack: () => ((down = false), handlers!.resync()),
  };
}

type Events = ReturnType<ReturnType<typeof recorder>['events']>;
const titles = (events: Events) => events.filter((e) => e.event === 'notification').map((e) => e.data.title as string);
const resets = (events: Events) => events.filter((e) => e.event === 'reset').map((e) => e.data.reason as string);

describe('a stream that meets a trimmed range', () => {
  it('a resume whose range is trimmed between the position read and the catch-up gets reset, then live delivery, and the store goes quiet', async () => {
    const store = countingStore(createMemoryStore());
    const { hub, open, publish } = await setup(store);
    const first = await open('alice');
    await publish('one');
    await until(() => titles(first.events()).length === 1);
    const cursor = first.events().at(-1)!.id!;
    first.conn.close('client');
    for (let i = 0; i < 8; i++) await publish(`missed${i}`);
    // The position read sees nothing trimmed; the trim lands before the catch-up reads the range.
    store.before('userEventsSince', () => store.trim(keep(3), Date.now()));
    const again = await open('alice', cursor);
    await until(() => resets(again.events()).length > 0, 2000, 'a reset');
    expect(resets(again.events())).toEqual(['retention']);
    await publish('later');
    await until(() => titles(again.events()).includes('later'), 2000, 'live delivery after the reset');
    expect(titles(again.events())).toEqual(['later']);
    const before = store.calls.total;
    await sleep(200);
    expect(store.calls.total - before).toBeLessThan(5);
    // The reset carries the new position: resuming from it replays nothing and needs no reset.
    const resetId = again.events().find((e) => e.event === 'reset')!.id;
    expect(resetId).toBeDefined();
    await hub.close();
  });

  it('a live gap whose range was trimmed gets reset, then live delivery, with a bounded number of store reads', async () => {
    const store = countingStore(createMemoryStore());
    const { hub, open, publish } = await setup(store);
    const a = await open('alice');
    await publish('seen');
    await until(() => titles(a.events()).length === 1);
    // Stored but never on the bus (an outage), then trimmed away: the stream's next event is past a hole.
    for (let i = 0; i < 6; i++) await store.publish([{ id: `lost${i}`, recipient: 'alice', title: `lost${i}`, severity: 'info' }], Date.now());
    await store.trim(keep(2), Date.now());
    const before = store.calls.total;
    await publish('after-hole');
    await until(() => resets(a.events()).length > 0, 2000, 'a reset');
    await publish('later');
    await until(() => titles(a.events()).includes('later'), 2000, 'live delivery after the reset');
    expect(resets(a.events())).toEqual(['retention']);
    expect(titles(a.events())).not.toContain('lost0');
    await sleep(200);
    expect(store.calls.total - before).toBeLessThan(30);
    await hub.close();
  });

  it('a bus outage longer than retention with a trim during it: every stream ends with every missed event or a reset, then gets live events', async () => {
    const store = countingStore(createMemoryStore());
    const net = outageBus();
    const hub = new Hub({ store, bus: net.bus, heartbeatMs: 60_000, retention: KEEP_ALL });
    await hub.start();
    const open = async (user: string) => {
      const r = recorder();
      await hub.openStream({ user, topics: [], expiresAt: Date.now() + 3600_000, ip: '127.0.0.1', open: () => r.sink });
      return r;
    };
    const far = [await open('far'), await open('far')];
    const near = [await open('near'), await open('near')];
    net.goDown();
    for (let i = 0; i < 10; i++) await hub.publish({ recipients: ['far'], title: `missed${i}`, severity: 'info' });
    for (let i = 0; i < 2; i++) await hub.publish({ recipients: ['near'], title: `missed${i}`, severity: 'info' });
    await store.trim(keep(3), Date.now());
    net.comeBack();
    await until(() => far.every((r) => resets(r.events()).length > 0) && near.every((r) => titles(r.events()).length === 2), 2000, 'catch-up or reset');
    await hub.publish({ recipients: ['far', 'near'], title: 'live', severity: 'info' });
    await until(() => [...far, ...near].every((r) => titles(r.events()).includes('live')), 2000, 'live delivery');
    for (const r of far) expect([resets(r.events()), titles(r.events())]).toEqual([['retention'], ['live']]);
    for (const r of near) expect([resets(r.events()), titles(r.events())]).toEqual([[], ['missed0', 'missed1', 'live']]);
    const before = store.calls.total;
    await sleep(200);
    expect(store.calls.total - before).toBeLessThan(5);
    await hub.close();
  });

  it('a bus that comes back while a stream is still catching up makes that stream read again, so nothing dropped meanwhile waits for the next event', async () => {
    const store = countingStore(createMemoryStore());
    const net = outageBus();
    const hub = new Hub({ store, bus: net.bus, heartbeatMs: 60_000, retention: KEEP_ALL });
    await hub.start();
    const open = async (cursor?: string) => {
      const r = recorder();
      await hub.openStream({ user: 'alice', topics: [], cursor, expiresAt: Date.now() + 3600_000, ip: '127.0.0.1', open: () => r.sink });
      return r;
    };
    const first = await open();
    await hub.publish({ recipients: ['alice'], title: 'one', severity: 'info' });
    await until(() => titles(first.events()).length === 1);
    const cursor = first.events().at(-1)!.id!;
    await hub.publish({ recipients: ['alice'], title: 'two', severity: 'info' });
    // After the resuming stream read the user log, the bus drops a publish and comes back.
    store.before('topicEventsSince', async () => {
      net.goDown();
      await hub.publish({ recipients: ['alice'], title: 'dropped', severity: 'info' });
      net.comeBack();
    });
    const again = await open(cursor);
    await until(() => titles(again.events()).includes('dropped'), 1000, 'the dropped event, without another publish');
    expect(titles(again.events())).toEqual(['two', 'dropped']);
    await hub.close();
  });

  it('start resolves only after the start-up trim has applied retention', async () => {
    const inner = createMemoryStore();
    for (let i = 0; i < 5; i++) await inner.publish([{ id: `n${i}`, recipient: 'alice', title: `n${i}`, severity: 'info' }], Date.now());
    const store = countingStore(inner);
    store.before('trim', () => sleep(30));
    const hub = new Hub({ store, bus: createMemoryBus(), heartbeatMs: 60_000, retention: keep(2) });
    await hub.start();
    expect(await inner.userPosition('alice')).toEqual({ last: 5, trimmed: 3 });
    await hub.close();
  });
});
