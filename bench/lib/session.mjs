/** Shared scenario plumbing: start a set of targets, open one fleet per target, rotate order. */
import { startTarget } from '../targets/index.mjs';
import { openFleet } from '../loadgen/fleet.mjs';

/** Starts every named target pinned to the server CPU; stops those started if one fails. */
export async function startAll(ctx, names, options = {}) {
  const out = [];
  try {
    for (const name of names) out.push(await startTarget(name, { cpu: ctx.serverCpu, ...(options[name] ?? {}) }));
  } catch (e) {
    await stopAll(out);
    throw e;
  }
  return out;
}

export async function stopAll(targets) {
  for (const t of targets) await t.stop().catch((err) => console.warn(`bench: stopping ${t.name} failed: ${err.message}`));
}

/** Opens `n` streams (indices from `fromIndex`) to `target` and waits until they are live. */
export async function connect(ctx, target, n, extra = {}) {
  const fleet = await openFleet({ port: target.port, n, path: target.subscribe.path, auth: target.subscribe.auth, ...extra });
  const s = await fleet.waitLive(ctx.connectTimeoutMs ?? 600_000);
  if (s.live < n) ctx.log(`  ${target.name}: only ${s.live}/${n} streams live (statuses ${JSON.stringify(s.statuses)}, errors ${s.errors})`);
  return fleet;
}

/** Repetition `rep` visits the targets in a rotated order (A B C, B C A, …) to spread drift. */
export function rotated(items, rep) {
  return items.map((_, i) => items[(i + rep) % items.length]);
}
