/**
 * Benchmark payloads: a JSON object whose first field is the publish timestamp the receivers
 * look for (`"_t":<ms>`), padded to a fixed size so "60 B" and "1 KB" mean the payload bytes.
 */
import { now } from '../loadgen/clock.mjs';

const pads = new Map();

/** The payload JSON, stamped now, `size` bytes long (±1). */
export function stampedPayload(size) {
  const t = now().toFixed(3);
  const base = `{"_t":${t},"p":""}`;
  let pad = pads.get(size - base.length);
  if (pad === undefined) {
    pad = 'x'.repeat(Math.max(0, size - base.length));
    pads.set(size - base.length, pad);
  }
  return `{"_t":${t},"p":"${pad}"}`;
}
