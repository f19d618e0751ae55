/**
 * Abuse resistance (issue 6, acceptance 4): while slowloris sockets and a connection flood hit a
 * real `herald serve`, a normal client keeps publishing and receiving, and its publish→receive
 * latency stays close to its baseline. The server stays up and cuts slowloris sockets at the
 * headers timeout. Figures are printed; bounds are generous for a loaded CI box.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionFlood, slowloris } from './support/attackers.ts';
import { call, openStream, sleep, type Stream } from './support/http.ts';
import { API_KEY, SECRET, startServer, type ServerHandle } from './support/server.ts';
import { hsToken } from './support/tokens.ts';

const HEADERS_TIMEOUT_MS = 2_000;
const NORMAL = '127.0.0.2';
let server: ServerHandle;
let host: string;
let port: number;
let stream: Stream;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
let seq = 0;

beforeAll(async () => {
  server = await startServer({ HERALD_JWT_SECRET: SECRET, HERALD_API_KEYS: `${API_KEY}:publish`, HERALD_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) });
  host = new URL(server.url).hostname;
  port = Number(new URL(server.url).port);
  stream = await openStream(server.url, '/v1/stream', { headers: { authorization: `Bearer ${await hsToken(SECRET, { sub: 'normal' })}` }, localAddress: NORMAL });
  await stream.waitFor((e) => e.event === 'ready');
}, 120_000);
afterAll(async () => {
  stream?.close();
  agent.destroy();
  await server?.stop();
});

/** One publish→receive round trip of the normal client, in ms. */
async function roundTrip(): Promise<number> {
  const title = `probe-${++seq}`;
  const t0 = performance.now();
  const r = await call(server.url, '/v1/notifications', { headers: { authorization: `Bearer ${API_KEY}` }, body: { recipients: ['normal'], title }, agent, localAddress: NORMAL, timeoutMs: 20_000 });
  expect(r.status).toBe(201);
  await stream.waitFor((e) => e.event === 'notification' && e.data.includes(`"${title}"`), 20_000);
  return performance.now() - t0;
}

/** Round trips every 100 ms until `until` settles (at least `min` of them). */
async function sample(until: Promise<unknown>, min: number): Promise<number[]> {
  const out: number[] = [];
  let done = false;
  // Only a flag for the loop below: the caller awaits `until` itself, where a failure surfaces.
  void until.finally(() => (done = true)).catch(() => undefined);
  while (!done || out.length < min) {
    out.push(await roundTrip());
    await sleep(100);
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (xs: number[]) => `n=${xs.length} median=${pct(xs, 50).toFixed(1)}ms p95=${pct(xs, 95).toFixed(1)}ms`;
let baseline: number[] = [];

describe('abuse', () => {
  it('baseline: the normal client publishes and receives', async () => {
    await roundTrip(); // warm-up
    baseline = await sample(sleep(2_000), 15);
    console.log(`baseline latency: ${fmt(baseline)}`);
    expect(pct(baseline, 50)).toBeLessThan(500);
  });

  it('slowloris: hundreds of sockets dripping headers are cut by the headers timeout; normal latency holds', async () => {
    const attack = slowloris({ host, port, sockets: 300, dripMs: 100, durationMs: 9_000, localAddress: '127.0.0.5' });
    await sleep(500);
    const during = await sample(attack, 15);
    const report = await attack;
    console.log(`slowloris: ${JSON.stringify(report)}; latency during attack: ${fmt(during)} (baseline ${fmt(baseline)})`);
    expect(report.opened).toBeGreaterThanOrEqual(300);
    expect(report.cutByServer).toBeGreaterThanOrEqual(300);
    expect(report.longestLifeMs).toBeLessThan(HEADERS_TIMEOUT_MS + 6_000);
    expect(pct(during, 50)).toBeLessThan(500);
    expect(pct(during, 95)).toBeLessThan(2_000);
    expect((await call(server.url, '/healthz')).status).toBe(200);
    expect(stream.isEnded()).toBe(false);
  }, 60_000);

  it('connection flood: thousands of connections and many stream opens; normal latency holds', async () => {
    let n = 0;
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => hsToken(SECRET, { sub: `flood-${i}` })));
    const attack = connectionFlood({
      host,
      port,
      maxDurationMs: 45_000,
      concurrency: 40,
      connections: 3_000,
      streams: 500,
      streamHeaders: () => ({ authorization: `Bearer ${tokens[n++ % tokens.length]}` }),
      localAddress: '127.0.0.6',
    });
    await sleep(500);
    const during = await sample(attack, 15);
    const report = await attack;
    console.log(`flood: ${JSON.stringify(report)}; latency during attack: ${fmt(during)} (baseline ${fmt(baseline)})`);
    expect(report.connections).toBeGreaterThanOrEqual(3_000);
    expect(report.streamOpens).toBeGreaterThanOrEqual(500);
    expect(Object.keys(report.streamStatuses).every((s) => ['200', '429', '503'].includes(s))).toBe(true);
    expect(pct(during, 50)).toBeLessThan(500);
    expect(pct(during, 95)).toBeLessThan(2_000);
    expect((await call(server.url, '/healthz')).status).toBe(200);
    expect(stream.isEnded()).toBe(false);
    // Flood streams were all closed: the server's count drops back to the normal client's one.
    const metrics = async () => Number(/^herald_connections (\d+)/m.exec((await call(server.url, '/metrics')).text)?.[1]);
    const deadline = Date.now() + 15_000;
    while ((await metrics()) > 1 && Date.now() < deadline) await sleep(200);
    expect(await metrics()).toBe(1);
  }, 120_000);
});
