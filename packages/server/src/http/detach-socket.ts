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

/**
 * Detaches `socket` from the HTTP server once `res` owns it. Returns false, and changes nothing,
 * when the socket cannot be detached: a step is missing from Node's internals, or `res` does not
 * own the socket (a pipelined response waiting its turn, which `res.detachSocket` would assert on),
 * or the parser has not finished the request yet.
 * The caller has checked ownership already (sse-route.ts); checking again here keeps this function
 * safe on its own. After it returns true the socket has no listeners at all: the caller must add
 * its own 'error' listener before it writes.
 */
export function detachSocket(socket: Socket, res: ServerResponse): boolean {
  const s = socket as Socket & { parser?: InternalParser | null; _httpMessage?: unknown };
  const parser = s.parser;
  if (!parser || typeof parser.unconsume !== 'function' || typeof parser.remove !== 'function') return false;
  if (s._httpMessage !== res || socket.destroyed) return false;
  // Still inside the parser's run for this request (a handler that did not yield): when the
  // message completes, Node puts the parser back on the server's connection list, where
  // closeIdleConnections() would later find it with no socket and throw.
  if (res.req !== undefined && !res.req.complete) return false;
  // The one call that asserts goes first, while Node's listeners are still in place.
  res.detachSocket(socket);
  for (const event of ['data', 'end', 'close', 'drain', 'error', 'timeout']) socket.removeAllListeners(event);
  try {
    if (parser._consumed) parser.unconsume();
    // Bytes the client sent after the request (a partial pipelined request) die with the parser:
    // finish() reports an incomplete message as a returned Error, it does not throw.
    parser.finish?.();
    parser.remove();
  } catch {
    // Not expected from any Node version this runs on; should a step throw, the socket is in an
    // unknown state and ending it is the only safe outcome. The caller sees it destroyed.
    socket.destroy();
  }
  parser.incoming = null;
  parser.outgoing = null;
  parser.socket = null;
  s.parser = null;
  // Close the native parser once its stack has unwound, as Node does.
  setImmediate(closeParser, parser);
  // Flowing mode with no data listener: anything the client sends is read and dropped.
  socket.resume();
  // A client's half-close ends the stream too (the server allows half-open sockets).
  socket.on('end', destroyOnEnd);
  return true;
}

// Module-level functions, not closures: a closure here would share a context with `parser` and
// keep the whole HTTP exchange reachable from the socket for the life of the stream.
function closeParser(parser: InternalParser): void {
  parser.close?.();
}

function destroyOnEnd(this: Socket): void {
  this.destroy();
}
