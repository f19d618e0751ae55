/**
 * A light SSE client on a raw socket, cheap enough to run thousands at once. It does what a real
 * client does across a cluster: when its node goes away it moves to the next node and resumes
 * with Last-Event-ID (updated only when an event is dispatched, as the WHATWG spec says, so an
 * event cut in half is never counted as seen). It records what it received for the checker.
 */
import net from 'node:net';

export interface ChaosStreamOptions {
  user: string;
  token: string;
  /** Ports to try, in turn; the stream starts at `ports[first % ports.length]`. */
  ports: () => number[];
  first: number;
  /** Query string appended to /v1/stream, e.g. `?topics=a`. */
  query?: string;
  /** Upper bound of the reconnect delay, whatever `retry:` says. Default 1000 ms. */
  maxRetryMs?: number;
  /** Called for every dispatched event (with its arrival time). */
  onEvent?: (type: string, data: string, at: number) => void;
  /** Called for every comment line (heartbeats). */
  onComment?: (at: number) => void;
}

export class ChaosStream {
  readonly user: string;
  /** Notification ids in arrival order. */
  readonly received: string[] = [];
  private readonly seen = new Set<string>();
  duplicates = 0;
  resets = 0;
  readies = 0;
  /** Connection attempts, and refusals by HTTP status (0: no connection). */
  attempts = 0;
  readonly refusals = new Map<number, number>();
  /** ms from losing a stream to the next `ready`. */
  readonly resumeTimes: number[] = [];
  lastId: string | undefined;
  /** Port of the current (or last) connection. */
  port = 0;
  private index: number;
  private socket: net.Socket | null = null;
  private stopped = false;
  private lostAt: number | undefined;
  private retryMs = 300;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly o: ChaosStreamOptions;

  constructor(o: ChaosStreamOptions) {
    this.o = o;
    this.user = o.user;
    this.index = o.first;
  }

  get open(): boolean {
    return this.socket !== null && this.live;
  }

  private live = false;

  connect(): void {
    if (this.stopped) return;
    const ports = this.o.ports();
    this.port = ports[this.index % ports.length]!;
    this.attempts++;
    const s = net.connect({ port: this.port, host: '127.0.0.1' });
    this.socket = s;
    this.live = false;
    s.setEncoding('utf8');
    s.setNoDelay(true);
    let head: string | null = '';
    let buf = '';
    let id: string | undefined;
    let event = '';
    let data: string[] = [];
    const line = (l: string) => {
      if (l === '') {
        if (id !== undefined) this.lastId = id;
        if (data.length > 0) this.dispatch(event || 'message', data.join('\n'));
        event = '';
        data = [];
        return;
      }
      if (l[0] === ':') return this.o.onComment?.(Date.now());
      const colon = l.indexOf(':');
      const name = colon < 0 ? l : l.slice(0, colon);
      let value = colon < 0 ? '' : l.slice(colon + 1);
      if (value[0] === ' ') value = value.slice(1);
      if (name === 'id') id = value;
      else if (name === 'event') event = value;
      else if (name === 'data') data.push(value);
      else if (name === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    };
    s.on('data', (chunk: string) => {
      if (head !== null) {
        head += chunk;
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
        if (status !== 200) {
          this.refusals.set(status, (this.refusals.get(status) ?? 0) + 1);
          s.destroy();
          return;
        }
        this.live = true;
        chunk = head.slice(end + 4);
        head = null;
      }
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const l = buf.charCodeAt(nl - 1) === 13 ? buf.slice(0, nl - 1) : buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        line(l);
      }
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (head !== null && err.code === 'ECONNREFUSED') this.refusals.set(0, (this.refusals.get(0) ?? 0) + 1);
    });
    s.on('close', () => {
      if (this.socket === s) this.socket = null;
      const wasLive = this.live;
      this.live = false;
      if (this.stopped) return;
      this.lostAt ??= Date.now();
      this.failures = wasLive ? 0 : this.failures + 1;
      this.index++;
      // As a browser would: the server's retry (capped for test speed), then backoff on failures.
      const base = Math.min(this.retryMs, this.o.maxRetryMs ?? 1000);
      const delay = wasLive ? base : Math.min(2000, 100 * 2 ** Math.min(this.failures, 4)) * (0.5 + Math.random());
      this.timer = setTimeout(() => this.connect(), delay);
    });
    let request = `GET /v1/stream${this.o.query ?? ''} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\nAuthorization: Bearer ${this.o.token}\r\nAccept: text/event-stream\r\n`;
    if (this.lastId !== undefined) request += `Last-Event-ID: ${this.lastId}\r\n`;
    s.write(`${request}\r\n`);
  }

  private dispatch(type: string, data: string): void {
    const at = Date.now();
    if (type === 'ready') {
      this.readies++;
      if (this.lostAt !== undefined) this.resumeTimes.push(at - this.lostAt);
      this.lostAt = undefined;
    } else if (type === 'notification') {
      const nid = (JSON.parse(data) as { id: string }).id;
      if (this.seen.has(nid)) this.duplicates++;
      else this.seen.add(nid);
      this.received.push(nid);
    } else if (type === 'reset') {
      this.resets++;
    }
    this.o.onEvent?.(type, data, at);
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }

  /** Stops reading: the kernel buffers fill, then the server's buffer (a stalled consumer). */
  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  /** Drops the connection as a network failure would; the stream reconnects by itself. */
  drop(): void {
    this.socket?.destroy();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.destroy();
    this.socket = null;
  }
}
