/**
 * Not a measurement: a CPU profile of Herald (`--cpu-prof`) during broadcast fan-out at N = 10k,
 * 60 B events, summarised as the functions with the most self time.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAll, stopAll, connect } from '../lib/session.mjs';
import { saturate } from '../lib/broadcast.mjs';
import { fmtCount } from '../lib/stats.mjs';

export const id = 'profile';
export const title = 'What the profile says';

/** Microseconds on the monotonic clock V8 stamps profiles with (CLOCK_MONOTONIC, like hrtime). */
export const monoMicros = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time per function (name, file:line) from a .cpuprofile, largest first. With `window`
 * ({from, to} in µs on the monotonic clock), only samples taken inside it count.
 */
export function selfTimes(profile, window = null) {
  const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]));
  const self = new Map();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window.from || t > window.to)) return;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const agg = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const file = cf.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|packages)\//, '$1/');
    const key = `${cf.functionName || '(anonymous)'} ${file ? `${file}:${cf.lineNumber + 1}` : ''}`.trim();
    agg.set(key, (agg.get(key) ?? 0) + us);
    total += us;
  }
  return { total, top: [...agg.entries()].sort((a, b) => b[1] - a[1]) };
}

/** Coarse buckets so the table reads as a story: where does the server's CPU go? */
const CATEGORIES = [
  ['idle', /^\(idle\)/],
  ['garbage collection', /garbage collector/],
  ['socket writes (libuv/net/stream)', /writev|writeBuffer|writeUtf8String|writeLatin1String|node:net|node:internal\/stream|_write|Writable/],
  ['crypto (JWT verification)', /crypto|jose/],
  ['SQLite store', /sqlite/],
  ['module loading and compilation (start-up)', /esm|modules\/cjs|compile|source_map|readFileUtf8|bootstrap|tsx|esbuild/],
  ['HTTP parsing and Fastify', /fastify|_http_|llhttp|parserOnHeaders|find-my-way|avvio/],
  ['logging (pino)', /pino/],
  ['Herald hub/http code', /packages\/server/],
];

/** Shares of non-idle self time per category, largest first. */
export function categorize(top) {
  const sums = new Map();
  let busy = 0;
  for (const [key, us] of top) {
    const cat = CATEGORIES.find(([, re]) => re.test(key))?.[0] ?? 'other';
    if (cat === 'idle') continue;
    busy += us;
    sums.set(cat, (sums.get(cat) ?? 0) + us);
  }
  return [...sums.entries()].sort((a, b) => b[1] - a[1]).map(([cat, us]) => [cat, us / busy]);
}

export async function run(ctx) {
  if (!ctx.targets.includes('herald')) return { data: {}, tables: [] };
  const dir = mkdtempSync(join(tmpdir(), 'herald-prof-'));
  const n = ctx.quick ? 2000 : 10_000;
  const [target] = await startAll(ctx, ['herald'], { herald: { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] } });
  let r;
  let window;
  try {
    const fleet = await connect(ctx, target, n);
    try {
      // Only the fan-out counts: start-up, JWT checks at connect and shutdown fall outside.
      const from = monoMicros();
      r = await saturate({ target, fleet, size: 60, windowMs: ctx.quick ? 2000 : 5000, warmupMs: 500 });
      window = { from, to: monoMicros() };
    } finally {
      await fleet.close();
    }
  } finally {
    await stopAll([target]);
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) {
    rmSync(dir, { recursive: true, force: true });
    return { data: {}, tables: [], notes: ['No .cpuprofile was written (the server must exit through process.exit or normally).'] };
  }
  const prof = JSON.parse(readFileSync(join(dir, files[0]), 'utf8'));
  let scope = `during the ${((window.to - window.from) / 1e6).toFixed(1)} s fan-out only`;
  let { total, top } = selfTimes(prof, window);
  if (total === 0) {
    // The profile's clock did not line up with ours: fall back to the whole lifetime.
    ({ total, top } = selfTimes(prof));
    scope = 'whole process lifetime';
  }
  rmSync(dir, { recursive: true, force: true });
  const rows = top.slice(0, 20).map(([k, us]) => [k, `${(us / 1000).toFixed(0)} ms`, `${((100 * us) / total).toFixed(1)} %`]);
  const cats = categorize(top);
  return {
    notes: [`Busy time by category: ${cats.map(([c, f]) => `${c} ${(100 * f).toFixed(0)} %`).join(', ')}.`],
    data: { n, scope, deliveriesPerSec: r.deliveriesPerSec, totalMs: total / 1000, top: top.slice(0, 40), categories: cats },
    tables: [{
      title: `Top self time in Herald during fan-out (N = ${n}, 60 B, ${fmtCount(r.deliveriesPerSec)} deliveries/s while profiling; ${scope})`,
      columns: ['function', 'self time', 'share'],
      rows,
    }],
  };
}
