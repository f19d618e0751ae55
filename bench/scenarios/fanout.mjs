/**
 * Scenario 2, broadcast fan-out: deliveries/s at the clients at N = 1k, 10k, 19k for 60 B and
 * 1 KB payloads. The publisher keeps a bounded number of broadcasts in flight (as fast as the
 * server delivers); every target listens at once with its own fleet and they are measured in
 * rotated order, `reps` times, reporting medians.
 */
import { startAll, stopAll, connect, rotated } from '../lib/session.mjs';
import { saturate } from '../lib/broadcast.mjs';
import { median, ratio, fmtCount } from '../lib/stats.mjs';
import { lineChart } from '../lib/svg.mjs';

export const id = 'fanout';
export const title = '2. Broadcast fan-out';

export async function run(ctx) {
  const sizes = [60, 1024];
  const ns = ctx.quick ? [1000, 10_000] : [1000, 10_000, 19_000];
  const windowMs = ctx.quick ? 1500 : 2000;
  const warmupMs = ctx.quick ? 500 : 700;
  const data = {};
  const targets = await startAll(ctx, ctx.targets);
  try {
    for (const n of ns) {
      const fleets = new Map();
      for (const t of targets) fleets.set(t.name, await connect(ctx, t, n));
      try {
        for (const size of sizes) {
          const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
          for (let rep = 0; rep < ctx.reps; rep++) {
            for (const t of rotated(targets, rep)) {
              const r = await saturate({ target: t, fleet: fleets.get(t.name), size, windowMs, warmupMs });
              runs[t.name].push(r);
              ctx.log(`  fanout ${t.name} N=${n} ${size} B rep ${rep + 1}: ${fmtCount(r.deliveriesPerSec)}/s`);
            }
          }
          for (const t of targets) {
            (data[t.name] ??= {})[`${n}/${size}`] = {
              n, size,
              deliveriesPerSec: median(runs[t.name].map((r) => r.deliveriesPerSec)),
              runs: runs[t.name].map((r) => Math.round(r.deliveriesPerSec)),
              publishErrors: runs[t.name].reduce((s, r) => s + r.publishErrors, 0),
              live: runs[t.name].at(-1).live,
            };
          }
        }
      } finally {
        for (const f of fleets.values()) await f.close();
      }
    }
  } finally {
    await stopAll(targets);
  }
  const names = ctx.targets;
  const peers = names.filter((n) => n !== 'herald');
  const tables = sizes.map((size) => ({
    title: `Deliveries/s, ${size === 60 ? '60 B' : '1 KB'} events (median of ${ctx.reps})`,
    columns: ['N', ...names, ...(names.includes('herald') ? peers.map((p) => `Herald / ${p}`) : [])],
    rows: ns.map((n) => {
      const v = (name) => data[name]?.[`${n}/${size}`]?.deliveriesPerSec;
      return [String(n), ...names.map((name) => fmtCount(v(name))), ...(names.includes('herald') ? peers.map((p) => ratio(v('herald'), v(p))) : [])];
    }),
  }));
  const charts = sizes.map((size) => ({
    file: `fanout-${size}.svg`,
    caption: `Deliveries/s vs N, ${size} B events`,
    svg: lineChart({
      title: `Broadcast deliveries/s vs subscribers (${size} B events)`,
      xLabel: 'subscribers N', yLabel: 'deliveries/s',
      series: names.map((name) => ({ name, points: ns.map((n) => [n, data[name]?.[`${n}/${size}`]?.deliveriesPerSec]) })),
    }),
  }));
  return { data, tables, charts };
}
