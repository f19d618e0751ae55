/**
 * A node that committed a publish and died before fanning it out (SIGKILL between the COMMIT and
 * the bus publish): the publisher saw no answer and retries, with the same dedupeKey, on another
 * node. That retry gets 201 with the stored notification; the streams that are already live must
 * then receive it, exactly once, not only at the user's next event (which may never come).
 * Two hubs share one real SQLite store and one bus, as two nodes share Postgres and Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../packages/server/src/bus/memory-bus.ts';
import { Hub } from '../../packages/server/src/hub/hub.ts';
import { createSqliteStore } from '../../packages/server/src/store/sqlite-store.ts';
import { recorder, until } from '../support/recording-sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'herald-fanout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a publish committed by a node that died before fanning it out', () => {
  it('a dedupeKey retry on another node delivers the stored notification to live streams exactly once', async () => {
    const store = createSqliteStore({ path: join(dir, 'herald.db') });
    const bus = createMemoryBus();
    const node = new Hub({ store, bus, heartbeatMs: 60_000 });
    await node.start();
    try {
      const r = recorder();
      await node.openStream({ user: 'ada', topics: [], expiresAt: Date.now() + 3600_000, ip: '127.0.0.1', open: () => r.sink });
      const titles = () => r.events().filter((e) => e.event === 'notification').map((e) => e.data.title as string);
      await until(() => r.events().some((e) => e.event === 'ready'));

      // The dead node's part: committed, never fanned out, never answered.
      const [lost] = await store.publish([{ id: 'n-lost', recipient: 'ada', title: 'lost', severity: 'info', dedupeKey: 'k1' }], Date.now());
      expect(lost!.event).not.toBeNull();

      // The publisher's retry reaches a live node; then a second retry, then a new publish.
      const retry = await node.publish({ recipients: ['ada'], title: 'lost', severity: 'info', dedupeKey: 'k1' });
      expect(retry.notifications).toEqual([{ id: 'n-lost', recipient: 'ada' }]);
      await until(() => titles().length === 1, 2000).catch(() => undefined); // the next line says what arrived
      expect(titles()).toEqual(['lost']);
      await node.publish({ recipients: ['ada'], title: 'lost', severity: 'info', dedupeKey: 'k1' });
      await node.publish({ recipients: ['ada'], title: 'next', severity: 'info' });
      await until(() => titles().length >= 2);
      expect(titles()).toEqual(['lost', 'next']);
    } finally {
      await node.close();
      await store.close();
    }
  });
});
