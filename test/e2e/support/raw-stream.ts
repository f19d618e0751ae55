/**
 * A stream over a bare TCP socket, for clients that misbehave: one that stops reading (a stalled
 * tab, a frozen phone) fills the kernel buffers and then Herald's per-stream buffer.
 */
import net from 'node:net';
import { createSseParser, type ParsedEvent } from './sse-parser.ts';
import { waitFor } from './wait.ts';

export interface RawStream {
  /** Everything received so far (head and body). */
  text(): string;
  /** The events of the body received so far, complete ones only (WHATWG parsing). */
  events(): ParsedEvent[];
  /** Stops reading from the socket: the server's writes back up. */
  pause(): void;
  /** Reads again, draining what the kernel held. */
  resume(): void;
  /** Resolves when the socket is closed (by either side). */
  readonly closed: Promise<void>;
  readonly isClosed: boolean;
  destroy(): void;
}

export async function openRawStream(port: number, token: string, path = '/v1/stream'): Promise<RawStream> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  let isClosed = false;
  socket.on('data', (b: Buffer) => chunks.push(b));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => {
    isClosed = true;
    resolve();
  }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`);
  const text = () => Buffer.concat(chunks).toString('utf8');
  await waitFor('the raw stream to get its ready event', () => text().includes('event: ready'));
  if (!text().startsWith('HTTP/1.1 200')) throw new Error(`raw stream refused: ${text().slice(0, 200)}`);
  return {
    text,
    events() {
      const all = text();
      const body = all.slice(all.indexOf('\r\n\r\n') + 4);
      const out: ParsedEvent[] = [];
      createSseParser((e) => out.push(e)).feed(body);
      return out;
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    closed,
    get isClosed() {
      return isClosed;
    },
    destroy: () => socket.destroy(),
  };
}
