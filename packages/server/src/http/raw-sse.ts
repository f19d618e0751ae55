/**
 * Writes an SSE response straight to the socket of a hijacked request. Skipping Node's
 * ServerResponse avoids chunked encoding and its per-write framing on the hot path: the body is
 * delimited by the connection's end (`Connection: close`), which every SSE client handles.
 */
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Sink } from '../hub/sink.ts';
import { detachSocket } from './detach-socket.ts';
import { assertHijackable, forgetSocket } from './sse-route.ts';

/** Headers every stream gets at once (DESIGN §3; X-Accel-Buffering disables nginx buffering). */
const BASE_HEAD =
  'HTTP/1.1 200 OK\r\n' +
  'Content-Type: text/event-stream; charset=utf-8\r\n' +
  'Cache-Control: no-cache, no-transform\r\n' +
  'X-Accel-Buffering: no\r\n' +
  'X-Content-Type-Options: nosniff\r\n' +
  'Connection: close\r\n';

/**
 * Hijacks the reply, writes the head (with any headers already set, e.g. CORS) and returns a sink.
 * Throws the 400 of `assertHijackable` instead, before touching anything, when the socket is not
 * this request's alone (pipelining, a body, a half-close): the caller's error path answers it.
 */
export function openRawSse(req: FastifyRequest, reply: FastifyReply, onClose: () => void): Sink {
  assertHijackable(req, reply);
  const socket = req.raw.socket as Socket;
  const head = headOf(reply.getHeaders());
  reply.hijack();
  detachSocket(socket, reply.raw);
  forgetSocket(socket);
  // Ours before any write. Once detached, the socket has no listener left: an 'error' emitted
  // without one would be thrown from the event loop and end the process.
  socket.on('error', ignoreError);
  // Not destroyed (assertHijackable checked, and nothing since has yielded), so 'close' is ahead.
  socket.once('close', onClose);
  socket.setNoDelay(true);
  socket.setTimeout(0);
  socket.setKeepAlive(true, 60_000);
  if (socket.writable) socket.write(head);
  return new SocketSink(socket);
}

function headOf(extra: Record<string, unknown>): string {
  let head = BASE_HEAD;
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined || /^(content-type|content-length|connection|transfer-encoding)$/i.test(name)) continue;
    head += `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}\r\n`;
  }
  return head + '\r\n';
}

/** A reset from the client is an ordinary way for a stream to end, not an error to report. */
function ignoreError(): void {
  // Silence is right: the 'close' that follows every socket error ends the stream.
}

/**
 * The sink of one stream. A class rather than an object of closures: methods live on the
 * prototype, so an idle stream carries one small object instead of four closures (memory per
 * idle stream is a measured target, see BENCHMARKS.md).
 */
class SocketSink implements Sink {
  constructor(private readonly socket: Socket) {}

  write(chunk: string): boolean {
    return this.socket.write(chunk);
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
