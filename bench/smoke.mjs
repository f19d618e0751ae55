/**
 * The harness smoke run: N streams against one target for a few seconds of paced broadcasts.
 * Prints one JSON line with the counters the CI smoke test checks (never performance numbers).
 * Usage: node bench/smoke.mjs --target plain|nchan|herald [--n 500] [--seconds 3]
 */
import { parseArgs } from 'node:util';
import { startTarget } from './targets/index.mjs';
import { openFleet } from './loadgen/fleet.mjs';
import { paced } from './lib/broadcast.mjs';

const { values } = parseArgs({
  options: { target: { type: 'string', default: 'plain' }, n: { type: 'string', default: '500' }, seconds: { type: 'string', default: '3' } },
});
const n = Number(values.n);
const target = await startTarget(values.target, { cpu: null });
let fleet;
// A test-runner timeout sends SIGTERM: stop the server by its PID instead of orphaning it.
process.once('SIGTERM', () => {
  // On the way out: whatever fails, the server is stopped and the process exits.
  void Promise.resolve(fleet?.close()).finally(() => target.stop().finally(() => process.exit(1)));
});
try {
  fleet = await openFleet({ port: target.port, n, path: target.subscribe.path, auth: target.subscribe.auth, rate: 2000 });
  // Slow but progressing start-ups on a loaded box are waited for (stall bound inside waitLive).
  const ready = await fleet.waitLive(90_000, n, 20_000);
  const r = await paced({ target, fleet, size: 60, rate: 20, windowMs: Number(values.seconds) * 1000 });
  const s = await fleet.stats();
  console.log(JSON.stringify({ target: values.target, n, live: ready.live, ...r, statuses: s.statuses, errors: s.errors }));
} finally {
  await fleet?.close();
  await target.stop();
}
