/**
 * A bare TCP client for hostile HTTP: it writes exactly the bytes a test gives (pipelined
 * requests, conflicting framing headers, half a body), half-closes or destroys when told, and
 * splits what comes back into responses without trusting the server's framing.
 */
import net from 'node:net';
import { readdirSync } from 'node:fs';

export interface RawConnection {
  write(bytes: string): void;
  /** Half-close: the client sends FIN and keeps reading. */
  end(): void;
  destroy(): void;
  /** Stops reading: the kernel buffers fill and the server's writes back up. */
  pause(): void;
  /** Everything received so far. */
  text(): string;
  /** Resolves when the socket is closed, by either side. */
  readonly closed: Promise<void>;
  readonly isClosed: boolean;
  /** Whether the server ended its side (FIN) before the socket closed. */
  readonly serverEnded: boolean;
}

export async function connectRaw(port: number): Promise<RawConnection> {
  // allowHalfOpen: a client half-close must not make Node end our side for us.
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const chunks: Buffer[] = [];
  let isClosed = false;
  let serverEnded = false;
  socket.on('data', (b: Buffer) => chunks.push(b));
  // A reset from a server that refuses is one of the outcomes under test, not a failure.
  socket.on('error', () => {});
  socket.on('end', () => {
    serverEnded = true;
    socket.end();
  });
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    write: (bytes) => void socket.write(bytes),
    end: () => void socket.end(),
    destroy: () => void socket.destroy(),
    pause: () => void socket.pause(),
    text: () => Buffer.concat(chunks).toString('latin1'),
    closed,
    get isClosed() {
      return isClosed;
    },
    get serverEnded() {
      return serverEnded;
    },
  };
}

/** One request as bytes: the head lines given, then the body as is (no framing added). */
export function request(method: string, path: string, headers: Record<string, string | string[]>, body = ''): string {
  let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  for (const [name, value] of Object.entries(headers)) for (const v of [value].flat()) head += `${name}: ${v}\r\n`;
  return `${head}\r\n${body}`;
}

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** False when the bytes ended before the body did. */
  complete: boolean;
}

/**
 * Splits a byte string into responses. A body is delimited by Content-Length, by chunked
 * encoding, or (event streams, `Connection: close`) by the end of the text. `bodiless` says which
 * responses answer a HEAD and so carry no body whatever their Content-Length.
 */
export function parseResponses(text: string, bodiless: (index: number) => boolean = () => false): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  for (let i = 0; rest.length > 0 && i < 100; i++) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) {
      out.push({ status: statusOf(rest), headers: {}, body: '', complete: false });
      break;
    }
    const [statusLine, ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    rest = rest.slice(headEnd + 4);
    const status = statusOf(statusLine!);
    if (bodiless(out.length) || status === 204 || status === 304) {
      out.push({ status, headers, body: '', complete: true });
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      out.push({ status, headers, body: rest.slice(0, n), complete: rest.length >= n });
      rest = rest.slice(n);
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const { body, used, complete } = dechunk(rest);
      out.push({ status, headers, body, complete });
      rest = rest.slice(used);
    } else {
      out.push({ status, headers, body: rest, complete: false });
      rest = '';
    }
  }
  return out;
}

function statusOf(line: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(line);
  return m ? Number(m[1]) : 0;
}

function dechunk(text: string): { body: string; used: number; complete: boolean } {
  let body = '';
  let at = 0;
  for (let i = 0; i < 10_000; i++) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!Number.isFinite(size)) break;
    at = lineEnd + 2;
    if (size === 0) return { body, used: Math.min(text.length, at + 2), complete: true };
    body += text.slice(at, at + size);
    at += size + 2;
  }
  return { body, used: text.length, complete: false };
}

/** Open file descriptors of a process (Linux): sockets, files, pipes. */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
