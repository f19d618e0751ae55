/**
 * A preallocated log-bucketed latency histogram (HDR-like, ~1 % resolution).
 * Recording is one Math.log and an array increment: no allocation per sample, so the receiver
 * can record every delivery. Values are milliseconds; buckets are in microseconds.
 */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** 1.01^2100 µs ≈ 1.2e9 µs: 20 minutes, more than any run. */
export const BUCKETS = 2100;

/** A fresh, empty histogram. */
export function createHistogram() {
  return { counts: new Float64Array(BUCKETS), n: 0, sum: 0, max: 0, negatives: 0 };
}

/** Records one latency in ms. Negative values (clock skew) count as 0 and are tallied apart. */
export function record(h, ms) {
  if (ms < 0) {
    h.negatives++;
    ms = 0;
  }
  const us = ms * 1000;
  let i = us < 1 ? 0 : (Math.log(us) / LOG_GROWTH) | 0;
  if (i >= BUCKETS) i = BUCKETS - 1;
  h.counts[i]++;
  h.n++;
  h.sum += ms;
  if (ms > h.max) h.max = ms;
}

/** A compact, JSON-safe form for IPC: only non-empty buckets. */
export function toWire(h) {
  const sparse = [];
  for (let i = 0; i < BUCKETS; i++) if (h.counts[i] !== 0) sparse.push(i, h.counts[i]);
  return { sparse, n: h.n, sum: h.sum, max: h.max, negatives: h.negatives };
}

/** Adds a wire-form histogram into `into`. */
export function mergeWire(into, w) {
  for (let k = 0; k < w.sparse.length; k += 2) into.counts[w.sparse[k]] += w.sparse[k + 1];
  into.n += w.n;
  into.sum += w.sum;
  into.negatives += w.negatives;
  if (w.max > into.max) into.max = w.max;
  return into;
}

/** Clears a histogram in place (no reallocation). */
export function reset(h) {
  h.counts.fill(0);
  h.n = 0;
  h.sum = 0;
  h.max = 0;
  h.negatives = 0;
}

/** The q-quantile (0..1) in ms, at the bucket's geometric middle; NaN when empty. */
export function quantile(h, q) {
  if (h.n === 0) return NaN;
  if (q >= 1) return h.max;
  const rank = Math.max(1, Math.ceil(q * h.n));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += h.counts[i];
    if (seen >= rank) return Math.min(h.max, Math.pow(GROWTH, i + 0.5) / 1000);
  }
  return h.max;
}
