/**
 * The "Targets" table at the top of BENCHMARKS.md: each target of issue 5, what this session
 * measured, and whether it is met and by how much (as a ratio or a percentage of the bound).
 */
import { fmtCount, fmtMs, fmtKB } from './stats.mjs';

const x = (v) => `${v.toFixed(2)}×`;
const pct = (v) => `${Math.abs(100 * v).toFixed(0)} %`;

function fanoutRow(results) {
  const f = results.fanout?.data;
  const h = f?.herald?.['10000/60']?.deliveriesPerSec;
  const nc = f?.nchan?.['10000/60']?.deliveriesPerSec;
  if (!h || !nc) return null;
  const r = h / nc;
  const verdict = r >= 2 ? `met, ${pct(r / 2 - 1)} above the 2× bar` : `not met: ${x(r)} of nchan, ${pct(1 - r / 2)} short of 2×`;
  return ['Broadcast deliveries/s at N = 10k (60 B) ≥ 2× nchan', `${fmtCount(h)}/s vs nchan ${fmtCount(nc)}/s = ${x(r)}`, verdict];
}

function idleRow(results) {
  const d = results.idle?.data;
  const h = d?.herald?.rssPerStream;
  if (!Number.isFinite(h)) return null;
  const peers = ['nchan', 'plain'].filter((p) => Number.isFinite(d?.[p]?.rssPerStream))
    .map((p) => `${p} ${fmtKB(d[p].rssPerStream)} (${x(h / d[p].rssPerStream)})`);
  const budget = 6 * 1024;
  const verdict = h <= budget ? `met, ${pct(1 - h / budget)} under 6 KB` : `not met: ${pct(h / budget - 1)} over 6 KB`;
  return ['Idle memory ≤ 6 KB RSS per stream', `${fmtKB(h)}${peers.length ? `; ${peers.join(', ')}` : ''}`, verdict];
}

function latencyRow(results) {
  const d = results.latency?.data;
  const h = d?.herald?.['10000/0.5']?.p99;
  const nc = d?.nchan?.['10000/0.5']?.p99;
  if (!Number.isFinite(h) || !Number.isFinite(nc)) return null;
  const r = h / nc;
  const verdict = r <= 1 ? `met, ${pct(1 - r)} below nchan` : `not met: ${pct(r - 1)} above nchan`;
  return ["Publish→receive p99 at N = 10k, 50 % load ≤ nchan's", `${fmtMs(h)} ms vs nchan ${fmtMs(nc)} ms = ${x(r)}`, verdict];
}

function capacityRow(results) {
  const c = results.capacity?.data;
  if (!c?.n) return null;
  const all = c.live >= 100_000 && c.reached >= c.liveAfterHeartbeat;
  const ok = all && c.lastReceiveMs <= 2000;
  const measured = `${c.live} of ${c.n} live (opened in ${(c.connectMs / 1000).toFixed(1)} s); broadcast reached ${c.reached} / ${c.liveAfterHeartbeat}, the last after ${fmtMs(c.lastReceiveMs)} ms`;
  const parts = [];
  if (c.live < 100_000) parts.push(`${pct(1 - c.live / 100_000)} short of 100k streams`);
  if (c.reached < c.liveAfterHeartbeat) parts.push(`${c.liveAfterHeartbeat - c.reached} streams not reached`);
  if (c.lastReceiveMs > 2000) parts.push(`${x(c.lastReceiveMs / 2000)} the 2 s bound`);
  return ['100,000 streams held, one broadcast reaches all within 2 s', measured,
    ok ? `met, last receive ${pct(1 - c.lastReceiveMs / 2000)} inside 2 s` : `not met: ${parts.join('; ')}`];
}

function persistRow(results) {
  const per = results.persist?.data?.results;
  const sqlite = Object.values(per ?? {}).filter((d) => d.backend === 'SQLite');
  if (!sqlite.length) return null;
  const best = sqlite.reduce((a, b) => (b.acceptedPerSec > a.acceptedPerSec ? b : a));
  const r = best.acceptedPerSec / 20_000;
  return ['≥ 20,000 persisted notifications/s on SQLite', `${fmtCount(best.acceptedPerSec)}/s (${best.mode})`,
    r >= 1 ? `met, ${pct(r - 1)} above` : `not met: ${x(r)} of the target`];
}

/** Markdown for the table, or '' when no Herald result is in. */
export function targetsSummary(results) {
  const rows = [fanoutRow, idleRow, latencyRow, capacityRow, persistRow].map((f) => f(results)).filter(Boolean);
  if (!rows.length) return '';
  return ['| Target (issue 5) | Measured | Verdict |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
