/**
 * Chaos: a Redis outage longer than retention, with a trim during it (DESIGN §2). Two Herald nodes
 * share a private Postgres and a private Redis, with HERALD_RETENTION_EVENTS=5. Streams are open
 * on node A; Redis dies; node B acknowledges more notifications than retention keeps for some
 * users (and fewer for others), then restarts, so its start-up trim removes part of what A's
 * streams missed. When Redis is back, every stream must end with either every missed notification
 * or a `reset`, then receive everything published live, and Postgres must be quiet while nothing
 * is published (no repair loop).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../packages/server/src/auth/index.ts';
import type { PrivateRedis } from '../../packages/server/src/bus/contract/private-redis.ts';
import { HeraldNode, TEST_API_KEY, TEST_SECRET, startNodes } from '../support/cluster-node.ts';
import { canRunPostgres, startBoth, type PrivatePostgres } from '../support/cluster-postgres.ts';
import { ChaosStream } from '../support/cluster-sse.ts';
import { sleep, until } from '../support/cluster-wait.ts';
import { hasBinary, missing } from '../support/requires.ts';

const reason = missing({ 'redis-server': hasBinary('redis-server'), 'initdb and postgres': canRunPostgres() });
const RETENTION = 5;

describe.skipIf(reason)('chaos: a Redis outage longer than retention, with a trim during it', () => {
  let redis: PrivateRedis | undefined;
  let db: PrivatePostgres | undefined;
  let nodes: HeraldNode[] = [];
  let dataDir = '';
  const streams: ChaosStream[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'herald-retention-chaos-'));
    [redis, db] = await startBoth();
    nodes = await startNodes(2, {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      HERALD_DATA_DIR: dataDir,
      HERALD_RETENTION_EVENTS: String(RETENTION),
      HERALD_DRAIN_MS: '500',
      HERALD_RETRY_MS: '300',
      HERALD_HEARTBEAT_MS: '5000',
      HERALD_PUBLISH_RATE: '100000',
      HERALD_PUBLISH_BURST: '100000',
    });
  }, 180_000);

  afterAll(async () => {
    for (const s of streams) s.stop();
    await Promise.all(nodes.map((n) => n.kill()));
    // Teardown: a slow port close must not skip what follows.
    await redis?.stop().catch(() => {});
    await db?.destroy().catch(() => {}); // as above
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** Publishes one notification to `user` through `node`; returns its id (throws unless 201). */
  async function publish(node: HeraldNode, user: string, title: string): Promise<string> {
    const r = await fetch(`${node.url}/v1/notifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recipients: [user], title }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await r.json()) as { notifications?: { id: string }[] };
    if (r.status !== 201) throw new Error(`publish to ${user} via :${node.port}: ${r.status} ${JSON.stringify(body)}`);
    return body.notifications![0]!.id;
  }

  /** One query on a connection of its own, closed before returning. */
  async function query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
    const c = new pg.Client({ connectionString: db!.url });
    await c.connect();
    try {
      return (await c.query<R>(sql)).rows;
    } finally {
      await c.end();
    }
  }

  /** Transactions committed in the nodes' database so far (each autocommit query is one). */
  async function commits(): Promise<number> {
    const [row] = await query<{ n: string }>("SELECT xact_commit AS n FROM pg_stat_database WHERE datname = 'postgres'");
    return Number(row!.n);
  }

  it('every stream ends with every missed notification or a reset, then receives everything live, and Postgres is quiet when idle', async () => {
    const [a, b] = nodes as [HeraldNode, HeraldNode];
    // "far" users miss more than retention keeps, "near" users fewer.
    const missedBy = new Map<string, number>();
    for (let i = 0; i < 4; i++) missedBy.set(`far-${i}`, 20).set(`near-${i}`, 3);
    for (const [user] of missedBy) {
      const token = await signDevToken({ secret: TEST_SECRET, sub: user, ttlS: 3600 });
      for (let k = 0; k < 2; k++) streams.push(new ChaosStream({ user, token, ports: () => [a.port], first: 0 }));
    }
    for (const s of streams) s.connect();
    await until('every stream live on node A', () => streams.every((s) => s.readies > 0), 30_000, 50);

    await redis!.kill();
    await until('node A to notice the outage', async () => (await a.ready()) !== 200, 15_000, 100);
    const missed = new Map<string, string[]>();
    for (const [user, n] of missedBy) {
      const ids: string[] = [];
      for (let k = 0; k < n; k++) ids.push(await publish(b, user, `missed ${k}`));
      missed.set(user, ids);
    }
    // B's start-up trim applies retention while Redis is still down.
    expect(await b.signal('SIGTERM')).toBe(0);
    await b.start({ waitFor: 'live' });
    const [far] = await query<{ trimmed: string }>("SELECT trimmed FROM user_positions WHERE user_id = 'far-0'");
    expect(Number(far!.trimmed)).toBe(20 - RETENTION);

    await redis!.restart();
    await until('both nodes ready again', async () => (await Promise.all(nodes.map((n) => n.ready()))).every((s) => s === 200), 30_000, 100);
    const caughtUp = (s: ChaosStream) => s.resets > 0 || missed.get(s.user)!.every((id) => s.has(id));
    await until('every stream to catch up or reset', () => streams.every(caughtUp), 20_000, 50).catch((err: Error) => {
      throw new Error(`${err.message}: ${streams.filter((s) => !caughtUp(s)).map((s) => `${s.user} got ${s.received.length}, resets ${s.resets}`).join('; ')}`);
    });

    const live = new Map<string, string[]>();
    for (const [user] of missedBy) {
      const ids: string[] = [];
      for (let k = 0; k < 3; k++) ids.push(await publish(k % 2 ? a : b, user, `live ${k}`));
      live.set(user, ids);
    }
    const gotLive = (s: ChaosStream) => live.get(s.user)!.every((id) => s.has(id));
    await until('every stream to receive what was published live', () => streams.every(gotLive), 20_000, 50).catch((err: Error) => {
      throw new Error(`${err.message}: ${streams.filter((s) => !gotLive(s)).map((s) => `${s.user} got ${s.received.length}, resets ${s.resets}`).join('; ')}`);
    });

    for (const s of streams) {
      const want = live.get(s.user)!;
      expect(s.received.filter((id) => want.includes(id)), s.user).toEqual(want);
      expect(s.duplicates, s.user).toBe(0);
      // Near users lost nothing to retention: everything replayed, no reset.
      if (s.user.startsWith('near')) expect([s.resets, s.received.slice(0, 3)], s.user).toEqual([0, missed.get(s.user)]);
      else expect(s.resets, s.user).toBeGreaterThan(0);
    }

    // Idle: no repair loop. Postgres reports commits with up to ~1 s delay, so let it settle first.
    await sleep(1500);
    const before = await commits();
    await sleep(3000);
    const idleCommits = (await commits()) - before;
    console.log(`retention chaos: ${idleCommits} Postgres commits in 3 s of idle`);
    // Each commits() read is itself a commit or two; a repair loop makes thousands a second.
    expect(idleCommits).toBeLessThan(50);
  }, 180_000);
});
