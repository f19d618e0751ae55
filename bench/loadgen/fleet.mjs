/**
 * The parent side of the load generator: forks worker processes (each ≤ `perWorker` sockets,
 * under the 20,000-file limit), gives each its own 127.x.y.z source address, and aggregates their
 * counters and latency histograms.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHistogram, mergeWire } from './histogram.mjs';

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));

const DEFAULTS = {
  host: '127.0.0.1',
  /** Sockets per process; a process may open 20,000 files. */
  perWorker: 15_000,
  /** New connections per second, over all workers. */
  rate: 6000,
  /** Handshakes in flight over all workers (the server's accept backlog is usually 511). */
  maxPending: 400,
  retries: 3,
  trackIds: false,
  /** `{secret, prefix}`: sign an HS256 JWT with `sub = prefix + index` per stream. */
  auth: null,
  /** Request path; `{i}` becomes the stream's global index. */
  path: '/sub',
};

let addressCounter = 0;
/**
 * A fresh loopback source address per worker, never reused within a run, so ports left in
 * TIME_WAIT by an earlier fleet can never make bind() fail.
 */
export function nextAddress() {
  const c = addressCounter++;
  return `127.${1 + Math.floor(c / 62_500)}.${(Math.floor(c / 250) % 250) + 1}.${(c % 250) + 1}`;
}

function call(child, msg) {
  return new Promise((resolve, reject) => {
    const seq = (child.seqNo = (child.seqNo ?? 0) + 1);
    const onMsg = (m) => {
      if (m.seq !== seq) return;
      child.off('message', onMsg);
      child.off('exit', onExit);
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    };
    const onExit = (code) => reject(new Error(`loadgen worker exited (${code}) during ${msg.cmd}`));
    child.on('message', onMsg);
    child.once('exit', onExit);
    child.send({ ...msg, seq });
  });
}

/**
 * Opens `n` SSE streams to `port` and returns a handle to watch and steer them.
 * The streams open in the background; use `waitLive`.
 */
export async function openFleet(options) {
  const o = { ...DEFAULTS, ...options };
  const workers = Math.max(1, Math.ceil(o.n / o.perWorker));
  const children = [];
  let from = 0;
  for (let w = 0; w < workers; w++) {
    const count = Math.floor(o.n / workers) + (w < o.n % workers ? 1 : 0);
    const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=1024'] });
    await call(child, {
      cmd: 'init',
      config: {
        host: o.host, port: o.port, path: o.path, auth: o.auth, count, from: (o.fromIndex ?? 0) + from,
        localAddress: nextAddress(), rate: o.rate / workers, maxPending: Math.ceil(o.maxPending / workers),
        retries: o.retries, trackIds: o.trackIds,
      },
    });
    children.push(child);
    from += count;
  }

  /** Sums all workers' cumulative counters and histograms; `reset` restarts the histograms. */
  async function stats(reset = false) {
    const all = await Promise.all(children.map((c) => call(c, { cmd: 'stats', reset })));
    const hist = createHistogram();
    const sum = { n: o.n, live: 0, pending: 0, caughtUp: 0, deliveries: 0, events: 0, bytes: 0, parseErrors: 0,
      badStatus: 0, errors: 0, closedByPeer: 0, failed: 0, connectMsMax: 0, statuses: {}, hist };
    for (const s of all) {
      for (const k of ['live', 'pending', 'caughtUp', 'deliveries', 'events', 'bytes', 'parseErrors', 'badStatus',
        'errors', 'closedByPeer', 'failed']) sum[k] += s[k];
      sum.connectMsMax = Math.max(sum.connectMsMax, s.connectMsMax);
      for (const [code, c] of Object.entries(s.statuses)) sum.statuses[code] = (sum.statuses[code] ?? 0) + c;
      mergeWire(hist, s.hist);
    }
    return sum;
  }

  /** Polls until `want(stats)` holds or the deadline passes; returns the last stats either way. */
  async function waitFor(want, timeoutMs, everyMs = 100) {
    const deadline = Date.now() + timeoutMs;
    let s = await stats();
    while (!want(s) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, everyMs));
      s = await stats();
    }
    return s;
  }

  return {
    n: o.n,
    workers: children.length,
    pids: children.map((c) => c.pid),
    stats,
    waitFor,
    /**
     * Waits until `count` (default all) streams are live, or until no stream has come up for
     * `stallMs`, or `timeoutMs` in all: a slow but progressing server is waited for.
     */
    async waitLive(timeoutMs, count = o.n, stallMs = 10_000) {
      let best = -1;
      let progressAt = Date.now();
      return waitFor((s) => {
        if (s.live > best) {
          best = s.live;
          progressAt = Date.now();
        }
        return s.live >= count || s.live + s.failed >= count || Date.now() - progressAt > stallMs;
      }, timeoutMs, 200);
    },
    /** Drops every stream with RST, remembering each stream's last event id. */
    drop: () => Promise.all(children.map((c) => call(c, { cmd: 'drop' }))),
    /** Reconnects every stream with Last-Event-ID; `caughtUp` counts those with ≥ minMarks deliveries. */
    resume: (minMarks) => Promise.all(children.map((c) => call(c, { cmd: 'resume', minMarks }))),
    async close() {
      // A child that cannot answer 'close' is ended by the SIGTERM below all the same.
      await Promise.all(children.map((c) => call(c, { cmd: 'close' }).catch(() => {})));
      for (const c of children) c.kill('SIGTERM');
    },
  };
}
