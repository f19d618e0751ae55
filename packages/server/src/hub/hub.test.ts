import { describe, expect, it } from 'vitest';
import { recorder, until } from '../../../../test/support/recording-sink.ts';
import { createMemoryBus } from '../bus/memory-bus.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { Store } from '../store/store.ts';
import { Hub } from './hub.ts';

async function setup(store: Store = createMemoryStore()) {
  const hub = new Hub({ store, bus: createMemoryBus(), heartbeatMs: 60_000 });
  await hub.start();
  const open = async (user: string, cursor?: string, extra: { topics?: string[]; stalled?: boolean; bufferBytes?: number } = {}) => {
    const r = recorder({ stalled: extra.stalled });
    const conn = await hub.openStream({ user, topics: extra.topics ?? [], cursor, expiresAt: Date.now() + 3600_000, ip: '127.0.0.1', open: () => r.sink });
    return { ...r, conn };
  };
  const titles = (events: { event: string; data: { title?: string } }[]) => events.filter((e) => e.event === 'notification').map((e) => e.data.title);
  return { hub, store, open, titles };
}

describe('Hub', () => {
  it('starts a stream with retry and ready, then delivers live notifications to every stream of the user', async () => {
    const { hub, open, titles } = await setup();
    const a = await open('alice');
    const b = await open('alice');
    const other = await open('bob');
    await hub.publish({ recipients: ['alice'], title: 'hi', severity: 'info' });
    await until(() => titles(a.events()).length === 1 && titles(b.events()).length === 1);
    expect(a.sink.text().startsWith('retry: ')).toBe(true);
    expect(a.events()[0]!.event).toBe('ready');
    expect(titles(other.events())).toEqual([]);
    await hub.close();
  });

  it('resumes from a cursor with exactly the missed events, in order', async () => {
    const { hub, open, titles } = await setup();
    const first = await open('alice');
    await hub.publish({ recipients: ['alice'], title: 'one', severity: 'info' });
    await until(() => titles(first.events()).length === 1);
    const cursor = first.events().at(-1)!.id!;
    first.conn.close('client');
    for (const t of ['two', 'three']) await hub.publish({ recipients: ['alice'], title: t, severity: 'info' });
    const again = await open('alice', cursor);
    await hub.publish({ recipients: ['alice'], title: 'four', severity: 'info' });
    await until(() => titles(again.events()).length === 3);
    expect(titles(again.events())).toEqual(['two', 'three', 'four']);
    await hub.close();
  });

  it('gives the ready event a cursor at the current position, so resuming from it replays nothing old', async () => {
    const { hub, open, titles } = await setup();
    for (const t of ['old1', 'old2']) await hub.publish({ recipients: ['alice'], title: t, severity: 'info' });
    const first = await open('alice');
    await until(() => first.events().length > 0);
    const readyId = first.events()[0]!.id!;
    first.conn.close('client');
    await hub.publish({ recipients: ['alice'], title: 'new', severity: 'info' });
    const again = await open('alice', readyId);
    await until(() => titles(again.events()).length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(titles(again.events())).toEqual(['new']);
    await hub.close();
  });

  it('repairs a gap on the live path from the store', async () => {
    const { hub, store, open, titles } = await setup();
    const a = await open('alice');
    // Stored but never sent on the bus, as when a publishing node dies between commit and publish.
    await store.publish([{ id: 'lost', recipient: 'alice', title: 'lost', severity: 'info' }], Date.now());
    await hub.publish({ recipients: ['alice'], title: 'after', severity: 'info' });
    await until(() => titles(a.events()).length === 2);
    expect(titles(a.events())).toEqual(['lost', 'after']);
    await hub.close();
  });

  it('answers reset for a cursor of another epoch or a malformed one', async () => {
    const { hub, open } = await setup(createMemoryStore({ epoch: 'abc' }));
    for (const cursor of ['zzz.1.0', 'garbage']) {
      const s = await open('alice', cursor);
      await until(() => s.events().some((e) => e.event === 'reset'));
    }
    await hub.close();
  });

  it('sends notification.state then counts to other streams after a state change', async () => {
    const { hub, open } = await setup();
    const a = await open('alice');
    const { notifications } = await hub.publish({ recipients: ['alice'], title: 'x', severity: 'info' });
    await hub.changeState('alice', 'read', { ids: [notifications[0]!.id] });
    await until(() => a.events().some((e) => e.event === 'counts'));
    const state = a.events().find((e) => e.event === 'notification.state')!;
    expect(state.data).toMatchObject({ action: 'read', ids: [notifications[0]!.id] });
    expect(a.events().find((e) => e.event === 'counts')!.data).toMatchObject({ unread: 0, total: 1 });
    await hub.close();
  });

  it('cuts a consumer that stopped reading once its buffer is over the limit', async () => {
    const store = createMemoryStore();
    const hub = new Hub({ store, bus: createMemoryBus(), bufferBytes: 4096 });
    await hub.start();
    const r = recorder({ stalled: true });
    await hub.openStream({ user: 'slow', topics: [], expiresAt: Date.now() + 60_000, ip: '::1', open: () => r.sink });
    for (let i = 0; i < 20; i++) await hub.publish({ recipients: ['slow'], title: 'x'.repeat(400), severity: 'info' });
    await until(() => r.sink.destroyed);
    expect(hub.stats().slowConsumersTotal).toBe(1);
    expect(hub.stats().connections).toBe(0);
    await hub.close();
  });

  it('delivers broadcast topic events to every stream, and asked-for topics only to their subscribers', async () => {
    const { hub, open } = await setup();
    const a = await open('alice', undefined, { topics: ['orders'] });
    const b = await open('bob');
    await hub.publishTopic('orders', 'order.updated', '{"n":1}');
    await hub.publishTopic('broadcast', 'message', '{"n":2}');
    await until(() => b.events().some((e) => e.event === 'message'));
    await until(() => a.events().filter((e) => e.event !== 'ready').length === 2);
    expect(b.events().some((e) => e.event === 'order.updated')).toBe(false);
    expect(a.events().find((e) => e.event === 'order.updated')!.data).toMatchObject({ topic: 'orders', data: { n: 1 } });
    await hub.close();
  });
});
