/**
 * Chaos suite (DESIGN §2, issue 4 acceptance 2): three Herald nodes sharing one private Redis and
 * one private Postgres, each started here on free ports. In every case a publisher publishes
 * continuously and a checker holds every stream to "each acknowledged notification exactly once
 * and in order" while something breaks: a node is SIGKILLed, Redis or Postgres restarts, every
 * node is restarted with SIGTERM, 5,000 streams reconnect at once, a consumer stops reading.
 * Figures are printed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../packages/server/src/bus/contract/private-redis.ts';
import { HeraldNode, startNodes } from '../support/cluster-node.ts';
import { canRunPostgres, startPrivatePostgres, type PrivatePostgres } from '../support/cluster-postgres.ts';
import { Scenario } from '../support/cluster-scenario.ts';
import { Publisher } from '../support/cluster-traffic.ts';
import { sleep, until } from '../support/cluster-wait.ts';
import { hasBinary, missing } from '../support/requires.ts';
import { stormFigures } from './storm.ts';

const reason = missing({ 'redis-server': hasBinary('redis-server'), 'initdb and postgres': canRunPostgres() });

describe.skipIf(reason)('cluster chaos: 3 nodes, Redis, Postgres', () => {
  let redis: PrivateRedis | undefined;
  let pg: PrivatePostgres | undefined;
  let nodes: HeraldNode[] = [];
  let dataDir = '';
  const open: Scenario[] = [];
  const report: Record<string, unknown> = {};
  const ports = () => nodes.map((n) => n.port);

  const scenario = (o: Omit<ConstructorParameters<typeof Scenario>[0], 'ports'>) => {
    const s = new Scenario({ ports, ...o });
    open.push(s);
    return s;
  };
  /** Every node ready again (bus and store healthy), so the next case starts from a sound cluster. */
  const allReady = () => until('all nodes ready', async () => (await Promise.all(nodes.map((n) => n.ready()))).every((s) => s === 200), 30_000, 200);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'herald-chaos-'));
    [redis, pg] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
    nodes = await startNodes(3, {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      HERALD_DATA_DIR: dataDir,
      HERALD_DRAIN_MS: '2000',
      HERALD_RETRY_MS: '300',
      HERALD_HEARTBEAT_MS: '5000',
      HERALD_MAX_STREAMS_PER_USER: '1000',
      HERALD_MAX_STREAMS_PER_IP: '100000',
      HERALD_MAX_NEW_CONNECTIONS_PER_S: '100000',
      HERALD_PUBLISH_RATE: '100000',
      HERALD_PUBLISH_BURST: '100000',
      HERALD_STREAM_BUFFER_BYTES: '65536',
      HERALD_MAX_DATA_BYTES: '262144',
      HERALD_BODY_LIMIT: '1048576',
    });
  }, 180_000);

  afterAll(async () => {
    for (const s of open) s.close();
    await Promise.all(nodes.map((n) => n.kill()));
    await redis?.stop().catch(() => {});
    await pg?.destroy().catch(() => {});
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    console.log(`chaos figures:\n${JSON.stringify(report, null, 1)}`);
  }, 60_000);

  it('a) SIGKILL of a node mid-stream: its clients resume on another node, nothing lost', async () => {
    const s = scenario({ prefix: 'a', users: 30, streamsPerUser: 3 });
    await s.open();
    s.publisher.start();
    await sleep(1500);
    const victim = nodes[0]!;
    const onVictim = s.streams.filter((x) => x.port === victim.port && x.open);
    expect(onVictim.length).toBeGreaterThan(0);
    await victim.signal('SIGKILL');
    await until('streams of the killed node to resume elsewhere', () => onVictim.every((x) => x.open && x.port !== victim.port && x.resumeTimes.length > 0), 30_000);
    await sleep(1000);
    const restart = Date.now();
    await victim.start();
    const restartMs = Date.now() - restart;
    await sleep(1000);
    const r = await s.finish();
    report.a = { ...r, problems: r.problems.length, movedStreams: onVictim.length, nodeRestartMs: restartMs };
    expect(r.problems).toEqual([]);
    expect(r.acked).toBeGreaterThan(50);
    s.close();
  }, 120_000);
});
