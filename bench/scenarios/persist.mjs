/**
 * Scenario 4, persisted publish (Herald only): notifications/s accepted (201) and delivered to
 * live streams, on SQLite and on Postgres. Concurrent keep-alive publishers send 1, 100 or 1,000
 * recipients per publish; 1,000 users are connected and every recipient is one of them.
 */
import { startAll, stopAll, connect } from '../lib/session.mjs';
import { httpConnection } from '../lib/http-client.mjs';
import { stampedPayload } from '../lib/payload.mjs';
import { drain } from '../lib/broadcast.mjs';
import { createBenchDatabase } from '../lib/postgres.mjs';
import { median, fmtCount, fmtMs } from '../lib/stats.mjs';
import { quantile } from '../loadgen/histogram.mjs';
import { sleep } from '../lib/proc.mjs';

export const id = 'persist';
export const title = '4. Persisted publish';

const USERS = 1000;
const MODES = [
  { name: '1 recipient / publish', recipients: 1, publishers: 32 },
  { name: '100 recipients / publish', recipients: 100, publishers: 8 },
  { name: '1000 recipients / publish', recipients: 1000, publishers: 4 },
];

async function measure(target, fleet, mode, windowMs) {
  const conns = Array.from({ length: mode.publishers }, () => httpConnection({ port: target.port }));
  let accepted = 0;
  let errors = 0;
  let next = 0;
  let running = true;
  let counting = false;
  const loops = conns.map(async (c) => {
    while (running) {
      const recipients = [];
      for (let i = 0; i < mode.recipients; i++) recipients.push(`u${next++ % USERS}`);
      const r = target.notifyRequest(recipients, stampedPayload(60));
      const res = await c.request(r.method, r.path, { 'Content-Type': 'application/json', ...r.headers }, r.body).catch(() => ({ status: 0 }));
      if (res.status === 201) {
        if (counting) accepted += mode.recipients;
      } else {
        errors++;
        await sleep(5);
      }
    }
  });
  await sleep(500);
  const s0 = await fleet.stats(true);
  const t0 = Date.now();
  counting = true;
  await sleep(windowMs);
  counting = false;
  const s1 = await fleet.stats();
  const seconds = (Date.now() - t0) / 1000;
  running = false;
  await Promise.all(loops);
  for (const c of conns) c.close();
  await drain(fleet);
  return {
    acceptedPerSec: accepted / seconds,
    deliveredPerSec: (s1.deliveries - s0.deliveries) / seconds,
    p50: quantile(s1.hist, 0.5), p99: quantile(s1.hist, 0.99), errors,
  };
}

export async function run(ctx) {
  if (!ctx.targets.includes('herald')) return { data: {}, tables: [], notes: ['Herald is not in the run: skipped.'] };
  const windowMs = ctx.quick ? 2000 : 3000;
  const reps = ctx.quick ? 1 : 5;
  const data = {};
  const durability = {};
  let db = null;
  try {
    db = await createBenchDatabase();
  } catch (e) {
    ctx.log(`  persist: no Postgres (${e.message}); SQLite only`);
  }
  const backends = [{ name: 'SQLite', env: {} }];
  if (db) backends.push({ name: 'Postgres', env: { DATABASE_URL: db.url } });
  durability.SQLite = 'WAL, synchronous=NORMAL (Herald default: a commit survives a process crash or SIGKILL; an OS crash may lose the last transactions)';
  if (db) durability.Postgres = `synchronous_commit=${db.settings.synchronous_commit}, fsync=${db.settings.fsync}, wal_sync_method=${db.settings.wal_sync_method} (server ${db.settings.server_version})`;
  try {
    for (const backend of backends) {
      const [target] = await startAll(ctx, ['herald'], { herald: { env: backend.env } });
      const fleet = await connect(ctx, target, USERS);
      try {
        for (const mode of MODES) {
          const runs = [];
          for (let rep = 0; rep < reps; rep++) runs.push(await measure(target, fleet, mode, windowMs));
          const d = {
            acceptedPerSec: median(runs.map((r) => r.acceptedPerSec)),
            deliveredPerSec: median(runs.map((r) => r.deliveredPerSec)),
            p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)),
            errors: runs.reduce((s, r) => s + r.errors, 0),
          };
          data[`${backend.name}/${mode.name}`] = { backend: backend.name, mode: mode.name, ...d };
          ctx.log(`  persist ${backend.name} ${mode.name}: ${fmtCount(d.acceptedPerSec)}/s accepted, ${fmtCount(d.deliveredPerSec)}/s delivered`);
        }
      } finally {
        await fleet.close();
        await stopAll([target]);
      }
    }
  } finally {
    await db?.drop();
  }
  return {
    data: { results: data, durability },
    tables: [{
      title: `Persisted notifications/s (Herald, ${USERS} live users, median of ${reps})`,
      columns: ['store', 'publish shape', 'accepted/s', 'delivered/s', 'publish→receive p50 / p99 ms', 'non-201'],
      rows: Object.values(data).map((d) => [d.backend, d.mode, fmtCount(d.acceptedPerSec), fmtCount(d.deliveredPerSec), `${fmtMs(d.p50)} / ${fmtMs(d.p99)}`, String(d.errors)]),
    }],
    notes: Object.entries(durability).map(([k, v]) => `Durability, ${k}: ${v}.`),
  };
}
