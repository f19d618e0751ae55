/**
 * The clock shared by publisher and receivers, in ms with µs precision.
 * `performance.timeOrigin` is the wall clock at process start (µs precision) and
 * `performance.now()` is monotonic since then, so their sum agrees across processes on one box
 * to a few µs, and reading it allocates nothing (unlike process.hrtime.bigint()).
 */
export function now() {
  return performance.timeOrigin + performance.now();
}
