/**
 * Postgres with several real processes: they migrate one fresh schema at once, then publish to
 * the same users at once. Each user's log must be 1..N with no gap at every moment a reader
 * looks (commit order = seq order), and each process must see its own acks in seq order.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../../../../test/support/requires.ts';
import { type Child, spawnPublisher } from './fixtures/spawn-child.ts';
import { TestSchemas, postgresReachable } from './fixtures/postgres-schemas.ts';
import { createPostgresStore } from './postgres-store.ts';
import type { Store } from './store.ts';

const skip = missing({ postgres: await postgresReachable() });
const schemas = new TestSchemas();
afterAll(() => schemas.dropAll());

const USERS = ['u1', 'u2', 'u3'];

async function finish(children: Child[]) {
  try {
    await Promise.all(children.map((c) => c.done));
    await Promise.all(children.map((c) => c.exited));
  } finally {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  }
}

/** Reads a user's whole log and checks it is exactly 1..k. */
async function contiguousLog(store: Store, user: string) {
  const log = await store.userEventsSince(user, 0, 100_000);
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  return log;
}

describe.skipIf(skip)('postgres store across processes', () => {
  it('concurrent processes get gap-free, commit-ordered sequences per user', { timeout: 180_000 }, async () => {
    const { schema, pool } = await schemas.create();
    const children = [
      spawnPublisher({ store: { kind: 'postgres', schema }, users: USERS, count: 40, tag: 'a' }, 150_000),
      spawnPublisher({ store: { kind: 'postgres', schema }, users: [...USERS].reverse(), count: 40, tag: 'b' }, 150_000),
      spawnPublisher({ store: { kind: 'postgres', schema }, users: USERS, count: 15, tag: 'c', fanout: true }, 150_000),
      spawnPublisher({ store: { kind: 'postgres', schema }, users: [...USERS].reverse(), count: 15, tag: 'd', fanout: true }, 150_000),
    ];
    const running = finish(children);
    // Wait for the children to have migrated before opening a reader on the schema.
    const deadline = Date.now() + 150_000;
    while (children.some((c) => c.epoch === undefined) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const store = await createPostgresStore({ pool });
    try {
      // Readers during the run never see a hole: a later seq is never visible before an earlier one.
      let settled = false;
      // Only a flag for the reader loop: `await running` below is where a failure surfaces.
      void running.finally(() => (settled = true)).catch(() => undefined);
      for (let i = 0; i < 2000 && !settled; i++) for (const u of USERS) await contiguousLog(store, u);
      await running;

      expect(new Set(children.map((c) => c.epoch))).toEqual(new Set([store.epoch]));
      const acks = children.flatMap((c) => c.acks);
      expect(acks).toHaveLength(40 + 40 + 15 * 3 + 15 * 3);
      for (const u of USERS) {
        const log = await contiguousLog(store, u);
        const mine = acks.filter((a) => a.user === u);
        expect(log).toHaveLength(mine.length);
        const idAt = new Map(log.map((e) => [e.seq, e.type === 'notification' ? e.notification.id : '']));
        for (const a of mine) expect(idAt.get(a.seq)).toBe(a.id);
        // Each process awaited every ack before its next publish: its seqs per user only go up.
        for (const c of children) {
          const seqs = c.acks.filter((a) => a.user === u).map((a) => a.seq);
          expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        }
        expect(await store.userPosition(u)).toEqual({ last: mine.length, trimmed: 0 });
      }
    } finally {
      await store.close();
    }
  });

  it('processes racing on the same dedupe keys store each key once', { timeout: 120_000 }, async () => {
    const { schema, pool } = await schemas.create();
    const children = ['x', 'y', 'z'].map((tag) => spawnPublisher({ store: { kind: 'postgres', schema }, users: USERS, count: 20, tag, fanout: true, dedupe: true }, 100_000));
    await finish(children);
    const store = await createPostgresStore({ pool });
    try {
      for (const u of USERS) {
        const log = await contiguousLog(store, u);
        expect(log).toHaveLength(20);
        // Every process got the same notification back for each key.
        const winners = children.map((c) => c.acks.filter((a) => a.user === u).map((a) => a.id));
        expect(winners[1]).toEqual(winners[0]);
        expect(winners[2]).toEqual(winners[0]);
      }
    } finally {
      await store.close();
    }
  });
});
