/**
 * Scenario 1, idle capacity: RSS (and heap where the server reports it) per idle stream, as the
 * least-squares slope over N = 1k … 19k streams, read after the server settles and (for the two
 * Node servers) after a full GC; nginx is read as it is.
 */
import { startAll, stopAll, connect } from '../lib/session.mjs';
import { slope, fmtKB, ratio } from '../lib/stats.mjs';
import { sleep } from '../lib/proc.mjs';

export const id = 'idle';
export const title = '1. Idle capacity';

export async function run(ctx) {
  const steps = ctx.quick ? [1000, 5000] : [1000, 5000, 10_000, 19_000];
  const results = {};
  for (const name of ctx.targets) {
    // Herald gets a full GC before each reading (SIGUSR2 via bench/lib/gc-preload.mjs), like the
    // plain hub's /memory; nginx is read as it is.
    const [target] = await startAll(ctx, [name], { herald: { gc: true } });
    const fleets = [];
    const points = { rss: [], heap: [] };
    try {
      await sleep(500);
      const m0 = await target.memory();
      points.rss.push([0, m0.rss]);
      if (m0.heap !== null) points.heap.push([0, m0.heap]);
      let have = 0;
      for (const n of steps) {
        fleets.push(await connect(ctx, target, n - have, { fromIndex: have }));
        have = n;
        await sleep(1500);
        const m = await target.memory();
        points.rss.push([n, m.rss]);
        if (m.heap !== null) points.heap.push([n, m.heap]);
        ctx.log(`  idle ${name} N=${n}: RSS ${(m.rss / 2 ** 20).toFixed(1)} MB${m.heap !== null ? `, heap ${(m.heap / 2 ** 20).toFixed(1)} MB` : ''}`);
      }
    } finally {
      for (const f of fleets) await f.close();
      await stopAll([target]);
    }
    results[name] = {
      rssPerStream: slope(points.rss.slice(1)),
      heapPerStream: points.heap.length > 2 ? slope(points.heap.slice(1)) : NaN,
      points,
    };
  }
  const ref = (k, n) => results[n]?.[k];
  const rows = ctx.targets.map((n) => [
    n, fmtKB(results[n].rssPerStream), fmtKB(results[n].heapPerStream), `${(results[n].points.rss.at(-1)[1] / 2 ** 20).toFixed(0)} MB`,
    n === 'herald' ? '' : ratio(ref('rssPerStream', 'herald'), ref('rssPerStream', n)),
  ]);
  return {
    data: results,
    tables: [{
      title: `Memory per idle stream (slope over N = ${steps.join(', ')})`,
      columns: ['target', 'RSS / stream', 'heap / stream', `RSS at N=${steps.at(-1)}`, 'Herald / target (RSS)'],
      rows,
    }],
  };
}
