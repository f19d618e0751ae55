/**
 * Scenario 3, latency: publish→receive p50/p99/max at N = 1k and 10k, paced open-loop at 25, 50
 * and 75 % of a saturation rate. All targets get the same absolute rate: a fraction of nchan's
 * measured 60 B saturation at that N (the reference peer; the slowest target when nchan is
 * absent), taken from the fan-out scenario of this run or measured here.
 */
import { startAll, stopAll, connect, rotated } from '../lib/session.mjs';
import { saturate, paced } from '../lib/broadcast.mjs';
import { median, ratio, fmtMs, fmtCount } from '../lib/stats.mjs';
import { lineChart } from '../lib/svg.mjs';

export const id = 'latency';
export const title = '3. Latency under paced load';

export async function run(ctx) {
  const ns = [1000, 10_000];
  const loads = [0.25, 0.5, 0.75];
  const windowMs = ctx.quick ? 1500 : 2000;
  const data = {};
  const targets = await startAll(ctx, ctx.targets);
  try {
    for (const n of ns) {
      const fleets = new Map();
      for (const t of targets) fleets.set(t.name, await connect(ctx, t, n));
      try {
        const sat = {};
        for (const t of targets) {
          sat[t.name] = ctx.results.fanout?.data?.[t.name]?.[`${n}/60`]?.deliveriesPerSec
            ?? (await saturate({ target: t, fleet: fleets.get(t.name), size: 60, windowMs: 1500, warmupMs: 500 })).deliveriesPerSec;
        }
        const reference = sat.nchan ?? Math.min(...Object.values(sat));
        ctx.log(`  latency N=${n}: reference saturation ${fmtCount(reference)} deliveries/s`);
        for (const load of loads) {
          const rate = Math.max(0.2, (reference * load) / n);
          const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
          for (let rep = 0; rep < ctx.reps; rep++) {
            for (const t of rotated(targets, rep)) {
              const r = await paced({ target: t, fleet: fleets.get(t.name), size: 60, rate, windowMs });
              runs[t.name].push(r);
            }
          }
          for (const t of targets) {
            const rs = runs[t.name];
            (data[t.name] ??= {})[`${n}/${load}`] = {
              n, load, rate, deliveriesPerSec: rate * n,
              p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), max: median(rs.map((r) => r.max)),
              samples: rs.reduce((s, r) => s + r.samples, 0),
            };
            ctx.log(`  latency ${t.name} N=${n} ${load * 100}%: p50 ${fmtMs(data[t.name][`${n}/${load}`].p50)} p99 ${fmtMs(data[t.name][`${n}/${load}`].p99)} ms`);
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
  const peers = names.filter((x) => x !== 'herald');
  const tables = ns.map((n) => ({
    title: `Publish→receive latency in ms at N = ${n}, 60 B events, p50 / p99 / max (median of ${ctx.reps})`,
    columns: ['load', 'deliveries/s', ...names, ...(names.includes('herald') ? peers.map((p) => `Herald p99 / ${p} p99`) : [])],
    rows: loads.map((load) => {
      const d = (name) => data[name]?.[`${n}/${load}`];
      const any = d(names[0]);
      return [
        `${load * 100} %`, fmtCount(any?.deliveriesPerSec),
        ...names.map((name) => (d(name) ? `${fmtMs(d(name).p50)} / ${fmtMs(d(name).p99)} / ${fmtMs(d(name).max)}` : '–')),
        ...(names.includes('herald') ? peers.map((p) => ratio(d('herald')?.p99, d(p)?.p99)) : []),
      ];
    }),
  }));
  const charts = ns.map((n) => ({
    file: `latency-${n}.svg`,
    caption: `Latency percentiles vs load, N = ${n}`,
    svg: lineChart({
      title: `p50 and p99 latency vs load, N = ${n} (log scale)`,
      xLabel: 'offered load, deliveries/s', yLabel: 'ms', logY: true,
      series: names.flatMap((name) => ['p50', 'p99'].map((q) => ({
        name: `${name} ${q}`,
        points: loads.map((l) => [data[name]?.[`${n}/${l}`]?.deliveriesPerSec, data[name]?.[`${n}/${l}`]?.[q]]),
      }))),
    }),
  }));
  return { data, tables, charts };
}
