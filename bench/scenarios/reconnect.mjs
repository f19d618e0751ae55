/**
 * Scenario 5, reconnect storm (Herald only): N streams drop at once (RST), each user misses 10
 * notifications, then every stream resumes with its Last-Event-ID at once. Measures the time
 * until all streams are live again and until every one has received its 10 missed
 * notifications, and checks the count (exactly 10 per stream).
 */
import { startAll, stopAll, connect } from '../lib/session.mjs';
import { httpConnection } from '../lib/http-client.mjs';
import { stampedPayload } from '../lib/payload.mjs';
import { median, fmtMs } from '../lib/stats.mjs';
import { sleep } from '../lib/proc.mjs';

export const id = 'reconnect';
export const title = '5. Reconnect storm';
const MISSED = 10;

async function publishMissed(target, n) {
  const conns = Array.from({ length: 8 }, () => httpConnection({ port: target.port }));
  const jobs = [];
  for (let round = 0; round < MISSED; round++) {
    for (let from = 0; from < n; from += 1000) {
      const recipients = [];
      for (let i = from; i < Math.min(n, from + 1000); i++) recipients.push(`u${i}`);
      jobs.push(recipients);
    }
  }
  let failed = 0;
  await Promise.all(conns.map(async (c) => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const r = target.notifyRequest(job, stampedPayload(60));
      const res = await c.request(r.method, r.path, { 'Content-Type': 'application/json', ...r.headers }, r.body);
      if (res.status !== 201) failed++;
    }
  }));
  for (const c of conns) c.close();
  return failed;
}

export async function run(ctx) {
  if (!ctx.targets.includes('herald')) return { data: {}, tables: [], notes: ['Herald is not in the run: skipped.'] };
  const n = ctx.quick ? 1000 : 10_000;
  const reps = ctx.quick ? 1 : 3;
  const [target] = await startAll(ctx, ['herald']);
  const runs = [];
  try {
    const fleet = await connect(ctx, target, n, { trackIds: true });
    try {
      for (let rep = 0; rep < reps; rep++) {
        await fleet.drop();
        await sleep(300);
        const failed = await publishMissed(target, n);
        const before = (await fleet.stats()).deliveries;
        const t0 = Date.now();
        await fleet.resume(MISSED);
        let liveMs = NaN;
        const s = await fleet.waitFor((x) => {
          if (!Number.isFinite(liveMs) && x.live >= n) liveMs = Date.now() - t0;
          return x.caughtUp >= n;
        }, 120_000, 20);
        const caughtUpMs = Date.now() - t0;
        await sleep(500);
        const extra = (await fleet.stats()).deliveries - before;
        runs.push({ liveMs, caughtUpMs, caughtUp: s.caughtUp, delivered: extra, expected: n * MISSED, publishFailures: failed });
        ctx.log(`  reconnect N=${n} rep ${rep + 1}: live ${fmtMs(liveMs)} ms, caught up ${s.caughtUp}/${n} in ${caughtUpMs} ms, delivered ${extra}/${n * MISSED}`);
      }
    } finally {
      await fleet.close();
    }
  } finally {
    await stopAll([target]);
  }
  return {
    data: { n, runs },
    tables: [{
      title: `Reconnect storm, N = ${n} streams each missing ${MISSED} notifications (Herald, SQLite; median of ${reps})`,
      columns: ['streams', 'all live again', 'all caught up', 'caught up', 'delivered / expected'],
      rows: [[String(n), `${fmtMs(median(runs.map((r) => r.liveMs)))} ms`, `${fmtMs(median(runs.map((r) => r.caughtUpMs)))} ms`,
        `${Math.min(...runs.map((r) => r.caughtUp))} / ${n}`, runs.map((r) => `${r.delivered} / ${r.expected}`).join(', ')]],
    }],
  };
}
