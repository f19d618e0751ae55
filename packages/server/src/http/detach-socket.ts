/**
 * Takes a socket away from Node's HTTP server once a stream's response head is written, the way
 * Node itself does for an `Upgrade` (lib/_http_server.js, onParserExecuteCommon): the parser is
 * released and the server's listeners removed, so the request, response, parser and Fastify
 * objects can be collected. An idle stream then costs a socket and a Connection, not a whole HTTP
 * exchange (measured: ~15 KB → see BENCHMARKS.md).
 *
 * It relies on internals that have been stable since Node 12 (`socket.parser`, the parser's
 * `unconsume`/`finish`/`remove`/`close`); every step is guarded, and when one is missing the
 * socket simply stays attached, which is correct, only heavier.
 */
import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';

interface InternalParser {
  _consumed?: boolean;
  unconsume?(): void;
  finish?(): void;
  remove?(): void;
  close?(): void;
  incoming?: unknown;
  outgoing?: unknown;
  socket?: unknown;
}

export function detachSocket(socket: Socket, res: ServerResponse): void {
  const s = socket as Socket & { parser?: InternalParser | null };
  const parser = s.parser;
  if (!parser || typeof parser.unconsume !== 'function' || typeof parser.remove !== 'function') return;
  for (const event of ['data', 'end', 'close', 'drain', 'error', 'timeout']) socket.removeAllListeners(event);
  if (parser._consumed) parser.unconsume();
  parser.finish?.();
  parser.remove();
  parser.incoming = null;
  parser.outgoing = null;
  parser.socket = null;
  s.parser = null;
  res.detachSocket(socket);
  // Close the native parser once its stack has unwound, as Node does.
  setImmediate(closeParser, parser);
  // Flowing mode with no data listener: anything the client sends is read and dropped.
  socket.resume();
  // A client's half-close ends the stream too (the server allows half-open sockets).
  socket.on('end', destroyOnEnd);
}

// Module-level functions, not closures: a closure here would share a context with `parser` and
// keep the whole HTTP exchange reachable from the socket for the life of the stream.
function closeParser(parser: InternalParser): void {
  parser.close?.();
}

function destroyOnEnd(this: Socket): void {
  this.destroy();
}
