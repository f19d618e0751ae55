/**
 * Drives broadcasts at a target while a fleet listens: `saturate` publishes as fast as the
 * target delivers (closed loop: a bounded number of broadcasts may be in flight to the clients),
 * `paced` publishes open-loop at a fixed rate. Both measure at the clients over a fixed window.
 */
import { httpConnection } from './http-client.mjs';
import { stampedPayload } from './payload.mjs';
import { sleep } from './proc.mjs';
import { quantile } from '../loadgen/histogram.mjs';

/** Broadcasts allowed in flight (published, not yet seen by every client). */
export function windowFor(n) {
  return Math.min(64, Math.max(3, Math.ceil(40_000 / n)));
}

function summarize(n, s0, s1, published, errors) {
  const seconds = (s1.at - s0.at) / 1000;
  const deliveries = s1.deliveries - s0.deliveries;
  return {
    n,
    seconds,
    deliveries,
    deliveriesPerSec: deliveries / seconds,
    published,
    publishErrors: errors,
    parseErrors: s1.parseErrors,
    live: s1.live,
    samples: s1.hist.n,
    p50: quantile(s1.hist, 0.5),
    p99: quantile(s1.hist, 0.99),
    max: s1.hist.max,
  };
}

async function stampNow(fleet) {
  const s = await fleet.stats(true);
  s.at = Date.now();
  return s;
}

/** Publishes one broadcast of a `size`-byte stamped payload; resolves to the HTTP status. */
export async function publishOnce(target, conn, size) {
  const r = target.publishRequest(stampedPayload(size));
  const res = await conn.request(r.method, r.path, { 'Content-Type': 'application/json', ...r.headers }, r.body);
  return res.status;
}

/**
 * Closed-loop saturation: `publishers` keep-alive connections publish while fewer than
 * `windowFor(n)` broadcasts are still undelivered. Returns deliveries/s over `windowMs` after
 * `warmupMs`, with latency percentiles (queueing included, so they are not the paced latency).
 */
export async function saturate({ target, fleet, size, windowMs = 3000, warmupMs = 1000, publishers = 2 }) {
  const n = fleet.n;
  const window = windowFor(n);
  const conns = Array.from({ length: publishers }, () => httpConnection({ port: target.port }));
  const base = (await fleet.stats()).deliveries;
  let delivered = 0;
  let published = 0;
  let errors = 0;
  let running = true;
  const poll = (async () => {
    while (running) {
      delivered = ((await fleet.stats()).deliveries - base) / n;
      await sleep(20);
    }
  })();
  const loops = conns.map(async (c) => {
    while (running) {
      if (published - delivered >= window) {
        await sleep(2);
        continue;
      }
      published++;
      const status = await publishOnce(target, c, size).catch(() => 0);
      if (status < 200 || status >= 300) {
        errors++;
        await sleep(10);
      }
    }
  });
  await sleep(warmupMs);
  const s0 = await stampNow(fleet);
  await sleep(windowMs);
  const s1 = await stampNow(fleet);
  running = false;
  await Promise.all([...loops, poll]);
  for (const c of conns) c.close();
  await drain(fleet);
  return summarize(n, s0, s1, published, errors);
}

/** Waits until deliveries stop growing, so the next measurement starts from a quiet target. */
export async function drain(fleet, quietMs = 300, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last = (await fleet.stats()).deliveries;
  while (Date.now() < deadline) {
    await sleep(quietMs);
    const now = (await fleet.stats()).deliveries;
    if (now === last) return;
    last = now;
  }
}

/**
 * Open-loop pacing: one broadcast every 1/rate s (never skipped, up to 4 in flight), latency
 * percentiles over `windowMs`. `complete` is deliveries / (published × n) for the window's events.
 */
export async function paced({ target, fleet, size, rate, windowMs = 3000, warmupMs = 500 }) {
  const n = fleet.n;
  const conns = Array.from({ length: 4 }, () => httpConnection({ port: target.port }));
  const free = [...conns];
  let published = 0;
  let errors = 0;
  let running = true;
  const interval = 1000 / rate;
  const t0 = performance.now();
  const loop = (async () => {
    let k = 0;
    while (running) {
      const due = t0 + k * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      while (free.length === 0 && running) await sleep(1);
      if (!running) break;
      const c = free.pop();
      k++;
      published++;
      publishOnce(target, c, size)
        .then((status) => {
          if (status < 200 || status >= 300) errors++;
        })
        .catch(() => errors++)
        .finally(() => free.push(c));
    }
  })();
  await sleep(warmupMs);
  const s0 = await stampNow(fleet);
  const p0 = published;
  await sleep(windowMs);
  const p1 = published;
  running = false;
  await loop;
  await drain(fleet);
  const s1 = await stampNow(fleet);
  s1.at = s0.at + windowMs;
  for (const c of conns) c.close();
  const out = summarize(n, s0, s1, p1 - p0, errors);
  out.rate = rate;
  out.complete = out.deliveries / Math.max(1, (published - p0) * n);
  return out;
}
