/**
 * One load-generator process: holds up to ~15,000 SSE streams on raw `net` sockets bound to its
 * own 127.x.y.z source address (each address has ~28k ephemeral ports), and counts what they
 * receive. Per-connection state lives in typed arrays indexed by slot; the only per-connection
 * objects are the socket and its data listener. Driven over IPC by fleet.mjs.
 */
import net from 'node:net';
import { createHistogram, toWire, reset as resetHist } from './histogram.mjs';
import { scanEvents, scanHead, head } from './scan.mjs';
import { signJwt } from './jwt.mjs';
import { now } from './clock.mjs';

const IDLE = 0;
const CONNECTING = 1;
const HEAD = 2;
const LIVE = 3;
const CLOSED = 4;
const FAILED = 5;

let cfg = null;
let sockets = [];
let tails = [];
let lastIds = [];
let state;
let marks;
let attempts;
let requests = [];
const hist = createHistogram();
const totals = {
  deliveries: 0, events: 0, bytes: 0, parseErrors: 0, badStatus: 0, errors: 0, closedByPeer: 0,
  connectMsMax: 0,
};
const statuses = {};
let pending = 0;
let nextSlot = 0;
let live = 0;
let caughtUpTarget = 0;
let caughtUp = 0;
let openedAt = [];

function buildRequest(slot, lastEventId) {
  const g = cfg.from + slot;
  const path = cfg.path.replaceAll('{i}', String(g));
  let lines = `GET ${path} HTTP/1.1\r\nHost: ${cfg.host}:${cfg.port}\r\nAccept: text/event-stream\r\n`;
  if (cfg.auth) lines += `Authorization: Bearer ${signJwt(cfg.auth.secret, `${cfg.auth.prefix ?? 'u'}${g}`)}\r\n`;
  if (lastEventId) lines += `Last-Event-ID: ${lastEventId}\r\n`;
  return `${lines}\r\n`;
}

function onBody(slot, buf, start) {
  const t = now();
  const r = scanEvents(buf, start, hist, t, cfg.trackIds);
  totals.events += r.events;
  totals.deliveries += r.markers;
  totals.parseErrors += r.badStamps;
  if (r.events > 0 && state[slot] === HEAD) {
    state[slot] = LIVE;
    live++;
    const ms = t - openedAt[slot];
    if (ms > totals.connectMsMax) totals.connectMsMax = ms;
  }
  if (r.markers > 0) {
    const before = marks[slot];
    marks[slot] = before + r.markers;
    if (caughtUpTarget > 0 && before < caughtUpTarget && marks[slot] >= caughtUpTarget) caughtUp++;
  }
  if (r.idStart !== -1) lastIds[slot] = buf.latin1Slice(r.idStart, r.idEnd);
  tails[slot] = r.end < buf.length ? buf.subarray(r.end) : null;
}

function onData(slot, chunk) {
  totals.bytes += chunk.length;
  let buf = chunk;
  const tail = tails[slot];
  if (tail !== null) buf = Buffer.concat([tail, chunk]);
  if (state[slot] === CONNECTING) {
    const body = scanHead(buf);
    if (body === -1) {
      tails[slot] = buf;
      return;
    }
    statuses[head.status] = (statuses[head.status] ?? 0) + 1;
    if (head.status !== 200) {
      totals.badStatus++;
      tails[slot] = null;
      fail(slot);
      return;
    }
    state[slot] = HEAD;
    pending--;
    onBody(slot, buf, body);
    return;
  }
  onBody(slot, buf, 0);
}

function fail(slot) {
  if (state[slot] === CONNECTING) pending--;
  if (state[slot] === LIVE) live--;
  state[slot] = FAILED;
  sockets[slot]?.destroy();
  sockets[slot] = null;
  if (attempts[slot] < cfg.retries) setTimeout(() => connect(slot), 250 + Math.random() * 500);
}

function connect(slot, lastEventId) {
  attempts[slot]++;
  state[slot] = CONNECTING;
  pending++;
  tails[slot] = null;
  openedAt[slot] = now();
  const s = net.connect({ host: cfg.host, port: cfg.port, localAddress: cfg.localAddress });
  sockets[slot] = s;
  s.on('connect', () => s.write(buildRequest(slot, lastEventId)));
  s.on('data', (chunk) => onData(slot, chunk));
  s.on('error', () => {
    totals.errors++;
  });
  s.on('close', () => {
    if (sockets[slot] !== s) return;
    if (state[slot] === LIVE || state[slot] === HEAD) totals.closedByPeer++;
    if (state[slot] === LIVE) live--;
    if (state[slot] === CONNECTING || state[slot] === HEAD) {
      if (state[slot] === CONNECTING) pending--;
      state[slot] = FAILED;
      sockets[slot] = null;
      if (attempts[slot] < cfg.retries) setTimeout(() => connect(slot, lastEventId), 250 + Math.random() * 500);
      return;
    }
    state[slot] = CLOSED;
    sockets[slot] = null;
  });
}

/** Opens connections at `rate` per second, never more than `maxPending` handshakes at once. */
function pump() {
  const started = now();
  let opened = 0;
  const tick = () => {
    const due = Math.min(cfg.count, Math.ceil(((now() - started) / 1000) * cfg.rate) + 1);
    while (nextSlot < cfg.count && opened < due && pending < cfg.maxPending) {
      connect(nextSlot++);
      opened++;
    }
    if (nextSlot < cfg.count) setTimeout(tick, 5);
  };
  tick();
}

function init(c) {
  cfg = { retries: 3, maxPending: 256, rate: 5000, trackIds: false, ...c };
  sockets = new Array(cfg.count).fill(null);
  tails = new Array(cfg.count).fill(null);
  lastIds = new Array(cfg.count).fill(null);
  openedAt = new Float64Array(cfg.count);
  state = new Uint8Array(cfg.count).fill(IDLE);
  marks = new Uint32Array(cfg.count);
  attempts = new Uint8Array(cfg.count);
  pump();
}

function stats(resetAfter) {
  const out = {
    ...totals, live, pending, caughtUp, count: cfg?.count ?? 0, statuses: { ...statuses },
    failed: state ? state.reduce((n, s) => n + (s === FAILED ? 1 : 0), 0) : 0,
    hist: toWire(hist), at: now(),
  };
  // Counters stay cumulative (callers take differences); only the histogram restarts.
  if (resetAfter) resetHist(hist);
  return out;
}

/** Drops every stream at once with RST (no TIME_WAIT, so the ports are free for the resume). */
function drop() {
  for (let slot = 0; slot < cfg.count; slot++) {
    const s = sockets[slot];
    if (state[slot] === LIVE) live--;
    state[slot] = CLOSED;
    sockets[slot] = null;
    if (s) s.resetAndDestroy();
  }
}

/** Reconnects every stream with its Last-Event-ID; caught up once `minMarks` deliveries arrive. */
function resume(minMarks) {
  caughtUp = 0;
  caughtUpTarget = minMarks;
  marks.fill(0);
  attempts.fill(0);
  nextSlot = cfg.count;
  let slot = 0;
  const tick = () => {
    while (slot < cfg.count && pending < cfg.maxPending) connect(slot, lastIds[slot++] ?? undefined);
    if (slot < cfg.count) setTimeout(tick, 2);
  };
  tick();
}

process.on('message', (m) => {
  const reply = (body) => process.send({ seq: m.seq, ...body });
  switch (m.cmd) {
    case 'init':
      init(m.config);
      reply({ ok: true });
      break;
    case 'stats':
      reply(stats(m.reset));
      break;
    case 'drop':
      drop();
      reply({ ok: true, withIds: lastIds.filter((x) => x !== null).length });
      break;
    case 'resume':
      resume(m.minMarks);
      reply({ ok: true });
      break;
    case 'close':
      drop();
      reply({ ok: true });
      break;
    default:
      reply({ error: `unknown command ${m.cmd}` });
  }
});
process.on('disconnect', () => process.exit(0));
