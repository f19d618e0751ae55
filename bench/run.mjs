/**
 * `npm run bench`: runs the scenarios against Herald, nginx + nchan and the plain node:http hub,
 * prints each table, keeps raw results in bench/results/latest.json and regenerates
 * BENCHMARKS.md with charts under bench/charts/.
 *
 *   node bench/run.mjs [--quick] [--only idle,fanout,latency,persist,reconnect,capacity,profile]
 *                      [--reps 5] [--targets herald,nchan,plain] [--fresh] [--report-only]
 *
 * Results merge into latest.json scenario by scenario, so groups run with `--only` add up to one
 * report; `--report-only` rewrites BENCHMARKS.md from latest.json without measuring.
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { TARGETS } from './targets/index.mjs';
import { pinSelf, canPin } from './lib/proc.mjs';
import { printTable } from './lib/table.mjs';
import { machine } from './lib/machine.mjs';
import { writeReport } from './lib/report.mjs';
import * as idle from './scenarios/idle.mjs';
import * as fanout from './scenarios/fanout.mjs';
import * as latency from './scenarios/latency.mjs';
import * as persist from './scenarios/persist.mjs';
import * as reconnect from './scenarios/reconnect.mjs';
import * as capacity from './scenarios/capacity.mjs';
import * as profile from './scenarios/profile.mjs';

const SCENARIOS = [idle, fanout, latency, persist, reconnect, capacity, profile];
const root = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = fileURLToPath(new URL('./results/latest.json', import.meta.url));

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    reps: { type: 'string' },
    targets: { type: 'string' },
    fresh: { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
  },
});
const only = values.only ? values.only.split(',') : null;
const wanted = values.targets ? values.targets.split(',') : Object.keys(TARGETS);
const targets = wanted.filter((t) => TARGETS[t]?.available());
const reps = Number(values.reps ?? (values.quick ? 2 : 5));
const log = (m) => console.log(m);

// Load side on CPU 1; every server is spawned on CPU 0. Children inherit this process's mask.
const pinned = canPin();
if (pinned) pinSelf(1);

mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
const results = !values.fresh && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const ctx = { quick: values.quick, reps, targets, serverCpu: pinned ? 0 : null, log, results };
log(`targets: ${targets.join(', ')}${wanted.length > targets.length ? ` (missing: ${wanted.filter((t) => !targets.includes(t)).join(', ')})` : ''}; reps ${reps}${values.quick ? '; quick' : ''}${pinned ? '' : '; NOT pinned (taskset or a 2nd CPU missing)'}`);

const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trimEnd();
const started = Date.now();
for (const s of values['report-only'] ? [] : SCENARIOS) {
  if (only && !only.includes(s.id)) continue;
  log(`\n== ${s.title} (load average ${loadavg()})`);
  const t0 = Date.now();
  const loadBefore = loadavg();
  try {
    const r = await s.run(ctx);
    results[s.id] = {
      title: s.title, ...r, ranAt: new Date().toISOString(), quick: values.quick, reps, seconds: (Date.now() - t0) / 1000,
      loadBefore, loadAfter: loadavg(), command,
    };
    for (const t of r.tables ?? []) printTable(t);
    for (const n of r.notes ?? []) log(`- ${n}`);
  } catch (e) {
    log(`scenario ${s.id} failed: ${e.stack ?? e}`);
    results[s.id] = { title: s.title, error: String(e.message ?? e), tables: [], ranAt: new Date().toISOString(), loadBefore, loadAfter: loadavg(), command };
  }
  writeFileSync(resultsFile, JSON.stringify(results, null, 1));
}
log(`\nall scenarios: ${((Date.now() - started) / 1000).toFixed(0)} s`);

writeReport({
  file: `${root}/BENCHMARKS.md`,
  chartDir: fileURLToPath(new URL('./charts', import.meta.url)),
  machine: machine(),
  commands: [
    'npm run bench                      # everything, ~24 min (about 8 of them fan-out, 6 latency, 5 capacity)',
    'node bench/run.mjs --quick          # fewer points, shorter windows',
    'node bench/run.mjs --only fanout    # one scenario; others keep their last results',
    'node bench/smoke.mjs --target herald --n 500   # the CI smoke run (bench/smoke.test.ts)',
    'node bench/run.mjs --report-only   # rewrite this file from bench/results/latest.json',
    '# the runs behind this file (each section names its own):',
    ...[...new Set(SCENARIOS.map((s) => results[s.id]?.command).filter(Boolean))].map((c) => `#   ${c}`),
  ],
  results,
  order: SCENARIOS.map((s) => s.id),
  notesDir: fileURLToPath(new URL('./notes', import.meta.url)),
  notes: [
    'Latency is publish→receive: the publisher stamps `performance.timeOrigin + performance.now()` (ms, µs precision) into the payload just before sending; receivers subtract it on arrival, so it includes the publish request, the fan-out and the kernel. All processes share the clock.',
    'The load generator holds raw `net` sockets (≤ 15,000 per process, each process on its own 127.x.y.z source address) and scans bytes for `\\n\\n` and the `"_t":` marker; no per-event objects.',
    'Saturation keeps a bounded number of broadcasts in flight (published but not yet received by every client), so it measures sustained delivery, not queue growth.',
    'The box is shared with other work while this runs; each section states the load average around its run. Compare ratios within one run, not absolute numbers across runs.',
  ],
});
log(`wrote ${root}BENCHMARKS.md`);
