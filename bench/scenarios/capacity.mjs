/**
 * Scenario 6, capacity: 100,000 concurrent streams on this box across Herald worker processes
 * (a process may open 20,000 files, so 100k needs ≥ 6 workers), heartbeated, then one broadcast:
 * the time until the last stream receives it (the largest publish→receive latency).
 */
import { startAll, stopAll } from '../lib/session.mjs';
import { openFleet } from '../loadgen/fleet.mjs';
import { startRedis } from '../lib/redis.mjs';
import { publishOnce } from '../lib/broadcast.mjs';
import { httpConnection } from '../lib/http-client.mjs';
import { fmtMs, fmtKB } from '../lib/stats.mjs';
import { sleep } from '../lib/proc.mjs';

export const id = 'capacity';
export const title = '6. Capacity: 100k streams';

export async function run(ctx) {
  if (!ctx.targets.includes('herald')) return { data: {}, tables: [], notes: ['Herald is not in the run: skipped.'] };
  const n = ctx.quick ? 20_000 : 100_000;
  const workers = Number(process.env.HERALD_BENCH_WORKERS ?? (ctx.quick ? 2 : 6));
  const heartbeatMs = 5000;
  const redis = await startRedis(ctx.serverCpu);
  let target;
  let fleet;
  const data = { n, workers, heartbeatMs };
  try {
    [target] = await startAll(ctx, ['herald'], {
      herald: { env: { REDIS_URL: redis.url, HERALD_WORKERS: String(workers), HERALD_HEARTBEAT_MS: String(heartbeatMs) } },
    });
    const t0 = Date.now();
    fleet = await openFleet({ port: target.port, n, path: target.subscribe.path, auth: target.subscribe.auth, rate: 5000, perWorker: 15_000 });
    let s = await fleet.waitLive(ctx.quick ? 60_000 : 240_000, n, 15_000);
    data.connectMs = Date.now() - t0;
    data.live = s.live;
    data.failed = s.failed;
    data.statuses = s.statuses;
    ctx.log(`  capacity: ${s.live}/${n} live after ${data.connectMs} ms (statuses ${JSON.stringify(s.statuses)})`);
    const e0 = s.events;
    await sleep(heartbeatMs + 1500);
    s = await fleet.stats(true);
    data.heartbeatEvents = s.events - e0;
    data.liveAfterHeartbeat = s.live;
    const mem = await target.memory();
    data.rss = mem.rss;
    data.rssPerStream = mem.rss / Math.max(1, s.live);
    const before = s.deliveries;
    const conn = httpConnection({ port: target.port });
    const status = await publishOnce(target, conn, 60);
    conn.close();
    s = await fleet.waitFor((x) => x.deliveries - before >= data.liveAfterHeartbeat, 30_000, 20);
    data.publishStatus = status;
    data.reached = s.deliveries - before;
    data.lastReceiveMs = s.hist.max;
    ctx.log(`  capacity: broadcast reached ${data.reached}/${data.liveAfterHeartbeat}, last after ${fmtMs(data.lastReceiveMs)} ms`);
  } finally {
    await fleet?.close();
    if (target) await stopAll([target]);
    await redis.stop();
  }
  return {
    data,
    tables: [{
      title: `Capacity (Herald, HERALD_WORKERS=${workers} + Redis bus, server pinned to one core)`,
      columns: ['streams asked', 'live', 'connect time', 'heartbeats seen in 1 interval', 'server RSS', 'RSS / stream', 'broadcast reached', 'last receive after'],
      rows: [[String(n), String(data.live), `${(data.connectMs / 1000).toFixed(1)} s`, String(data.heartbeatEvents),
        `${(data.rss / 2 ** 20).toFixed(0)} MB`, fmtKB(data.rssPerStream), `${data.reached} / ${data.liveAfterHeartbeat}`, `${fmtMs(data.lastReceiveMs)} ms`]],
    }],
    notes: [
      `Opening is bounded (${ctx.quick ? 60 : 240} s in all, or 15 s without a new live stream); the broadcast is then waited for up to 30 s. A stream counts as live once its first event arrives.`,
      `HTTP statuses of the stream requests: ${JSON.stringify(data.statuses ?? {})}; streams that failed after ${3} attempts: ${data.failed ?? 0}. The broadcast publish answered ${data.publishStatus}.`,
    ],
  };
}
