/**
 * The shared Bus contract. Every implementation's test file is one call:
 * `runBusContract('redis', { create: async () => [busA, busB] })`. The buses returned by one
 * `create()` share one backend, like two processes on one Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { channelOf, type Bus, type BusMessage } from '../bus.ts';
import { startAll, waitFor, type Collector } from './collector.ts';
import { notificationMessage, stateMessage, topicMessage } from './messages.ts';

export interface BusContractOptions {
  /** Two or more buses, not yet started, sharing one backend. */
  create(): Promise<Bus[]>;
  /** Runs after each test, once the suite closed the buses. */
  cleanup?(): Promise<void>;
}

let counter = 0;
/** A channel-safe name unique to this test run, so leftovers of other tests never match. */
function unique(base: string): string {
  return `${base}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function runBusContract(name: string, options: BusContractOptions): void {
  describe(`Bus contract: ${name}`, () => {
    let buses: Bus[] = [];

    async function setup(): Promise<[Bus[], Collector[]]> {
      buses = await options.create();
      expect(buses.length).toBeGreaterThanOrEqual(2);
      return [buses, await startAll(buses)];
    }

    afterEach(async () => {
      await Promise.all(buses.map((b) => b.close()));
      buses = [];
      await options.cleanup?.();
    });

    it('is healthy once started', async () => {
      const [[a, b]] = await setup();
      await waitFor('healthy buses', () => a.healthy() && b.healthy());
    });

    it('delivers to every subscribed instance, the publisher included, and to no other', async () => {
      const [[a, b], [ca, cb]] = await setup();
      const user = unique('alice');
      const topic = unique('news');
      await a.subscribe(`u:${user}`);
      await b.subscribe(`u:${user}`);
      await b.subscribe(`t:${topic}`);

      await a.publish(notificationMessage(user, 1));
      await a.publish(topicMessage(topic, 1));
      await waitFor('user event on both', () => ca.on(`u:${user}`).length === 1 && cb.on(`u:${user}`).length === 1);
      await waitFor('topic event on b', () => cb.on(`t:${topic}`).length === 1);

      // A marker on a channel `a` does hear, published after the topic event: once it is in,
      // the topic event would have been too, had `a` wrongly received it.
      await b.publish(notificationMessage(user, 2));
      await waitFor('marker on a', () => ca.on(`u:${user}`).length === 2);
      expect(ca.on(`t:${topic}`)).toEqual([]);
      expect(ca.messages).toHaveLength(2);
    });

    it('stops delivering a channel after unsubscribe, and resumes on subscribe', async () => {
      const [[a, b], [ca, cb]] = await setup();
      const user = unique('bob');
      const other = unique('carol');
      await a.subscribe(`u:${user}`);
      await b.subscribe(`u:${user}`);
      await b.subscribe(`u:${other}`);
      await a.publish(stateMessage(user, 1));
      await waitFor('first event on b', () => cb.on(`u:${user}`).length === 1);

      await b.unsubscribe(`u:${user}`);
      await a.publish(stateMessage(user, 2));
      await waitFor('second event on a', () => ca.on(`u:${user}`).length === 2);
      await a.publish(stateMessage(other, 1));
      await waitFor('marker on b', () => cb.on(`u:${other}`).length === 1);
      expect(cb.on(`u:${user}`).map((m) => m.event.seq)).toEqual([1]);

      await b.subscribe(`u:${user}`);
      await a.publish(stateMessage(user, 3));
      await waitFor('third event on b', () => cb.on(`u:${user}`).length === 2);
      expect(cb.on(`u:${user}`).map((m) => m.event.seq)).toEqual([1, 3]);
    });

    it('round-trips every payload shape intact', async () => {
      const [[a, b], [, cb]] = await setup();
      const user = unique('dave');
      const topic = unique('orders');
      await b.subscribe(`u:${user}`);
      await b.subscribe(`t:${topic}`);
      const sent: BusMessage[] = [notificationMessage(user, 1), stateMessage(user, 2), stateMessage(user, 3, true), topicMessage(topic, 7)];
      for (const msg of sent) await a.publish(msg);
      await waitFor('all payloads', () => cb.messages.length === sent.length);
      const byChannel = (list: BusMessage[], ch: string) => list.filter((m) => channelOf(m) === ch);
      expect(cb.on(`u:${user}`)).toEqual(byChannel(sent, `u:${user}`));
      expect(cb.on(`t:${topic}`)).toEqual(byChannel(sent, `t:${topic}`));
    });

    it('keeps per-channel order from one publisher, without awaiting each publish', async () => {
      const [[a, b], [ca, cb]] = await setup();
      const user = unique('erin');
      const topic = unique('ticker');
      await a.subscribe(`u:${user}`);
      await b.subscribe(`u:${user}`);
      await b.subscribe(`t:${topic}`);
      const n = 300;
      const pending: Promise<void>[] = [];
      for (let seq = 1; seq <= n; seq++) {
        pending.push(a.publish(stateMessage(user, seq)));
        pending.push(a.publish(topicMessage(topic, seq)));
      }
      await Promise.all(pending);
      await waitFor('every event', () => cb.messages.length === 2 * n && ca.messages.length === n, 20_000);
      const expected = Array.from({ length: n }, (_, i) => i + 1);
      expect(cb.on(`u:${user}`).map((m) => m.event.seq)).toEqual(expected);
      expect(cb.on(`t:${topic}`).map((m) => m.event.seq)).toEqual(expected);
      expect(ca.on(`u:${user}`).map((m) => m.event.seq)).toEqual(expected);
    });

    it('serves many channels on one instance', async () => {
      const [[a, b], [, cb]] = await setup();
      const users = Array.from({ length: 50 }, () => unique('many'));
      await Promise.all(users.map((u) => b.subscribe(`u:${u}`)));
      await Promise.all(users.map((u, i) => a.publish(stateMessage(u, i + 1))));
      await waitFor('one event per channel', () => cb.messages.length === users.length);
      for (const [i, u] of users.entries()) expect(cb.on(`u:${u}`).map((m) => m.event.seq)).toEqual([i + 1]);
    });

    it('stops delivering to a closed instance and reports it unhealthy', async () => {
      const [[a, b], [ca, cb]] = await setup();
      const user = unique('frank');
      await a.subscribe(`u:${user}`);
      await b.subscribe(`u:${user}`);
      await b.close();
      expect(b.healthy()).toBe(false);
      await a.publish(notificationMessage(user, 1));
      await a.publish(notificationMessage(user, 2));
      await waitFor('both events on a', () => ca.on(`u:${user}`).length === 2);
      // Give a wrongly still-open subscription a fair chance to deliver before asserting silence.
      await new Promise((r) => setTimeout(r, 100));
      expect(cb.messages).toEqual([]);
    });
  });
}
