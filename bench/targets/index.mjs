/** The bench targets by name. Each `start*` returns the same handle shape (see plain.mjs). */
import { startPlain } from './plain.mjs';
import { startNchan, hasNchan } from './nchan.mjs';
import { startHerald, hasHerald } from './herald.mjs';

export const TARGETS = {
  herald: { start: startHerald, available: hasHerald },
  nchan: { start: startNchan, available: hasNchan },
  plain: { start: startPlain, available: () => true },
};

/** Starts target `name` with `options` (cpu, env…). */
export function startTarget(name, options = {}) {
  const t = TARGETS[name];
  if (!t) throw new Error(`unknown target ${name}`);
  return t.start(options);
}
