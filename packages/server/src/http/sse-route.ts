/**
 * What every Server-Sent Events route shares before it takes its socket over: HEAD is refused,
 * and the socket must be in a clean state for hijacking.
 *
 * A stream writes straight to its socket and then detaches it from Node's HTTP server
 * (raw-sse.ts, detach-socket.ts). That is only sound when this request is the socket's one
 * outstanding exchange. HTTP/1.1 pipelining breaks it both ways: a request still unanswered
 * before ours means our bytes would overtake its response (and Node asserts when a response that
 * does not own the socket detaches it); a request parsed after ours would never be answered. A
 * request with a body, or a socket the client has half-closed or that is gone, is no better. No
 * browser, EventSource or proxy pipelines, so such a request is refused with 400 and
 * `Connection: close`, which Node sends in order, after the responses before it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { HeraldError } from '@herald/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * How many requests Node has parsed on each socket, and the number of each request. Numbers,
 * not the last request itself: a stream's socket lives for hours, and holding its request would
 * keep the whole HTTP exchange reachable that detach-socket.ts lets go (idle memory per stream).
 */
const parsedOn = new WeakMap<object, number>();
const numberOf = new WeakMap<IncomingMessage, number>();

/**
 * Numbers every request on its socket. Prepended, so that it runs before Fastify's own listener
 * and therefore before any route handler of that request.
 */
export function trackRequests(server: Server): void {
  server.prependListener('request', (req: IncomingMessage) => {
    const n = (parsedOn.get(req.socket) ?? 0) + 1;
    parsedOn.set(req.socket, n);
    numberOf.set(req, n);
  });
}

/** The socket now belongs to a stream and no request will be parsed on it again. */
export function forgetSocket(socket: object): void {
  parsedOn.delete(socket);
}

/**
 * Why this request's socket cannot be taken over, or undefined when it can. Pure reads of the
 * socket and of Node's `socket._httpMessage` (the response that currently owns the socket; Node
 * assigns it to the next pipelined response only when the one before has finished).
 */
export function hijackRefusal(req: IncomingMessage, res: ServerResponse): string | undefined {
  const socket = req.socket as Socket & { _httpMessage?: unknown };
  // An injected request (light-my-request) has no real socket to take over or to protect.
  if (!(socket instanceof Socket)) return undefined;
  if (socket.destroyed || !socket.writable || socket.readableEnded) return 'The client closed the connection.';
  if (hasBody(req)) return 'A stream request has no body.';
  if (socket._httpMessage !== res) return 'A stream request must not be pipelined behind another request on its connection.';
  const n = numberOf.get(req);
  if (n !== undefined && n !== parsedOn.get(socket)) return 'No request may be pipelined behind a stream request on its connection.';
  return undefined;
}

/** Throws the 400 that refuses a hijack, with `Connection: close`, when the socket is not clean. */
export function assertHijackable(req: FastifyRequest, reply: FastifyReply): void {
  const why = hijackRefusal(req.raw, reply.raw);
  if (why === undefined) return;
  // Whatever the client pipelined after this request is left unanswered: the connection ends.
  reply.header('Connection', 'close');
  throw new HeraldError('bad_request', why);
}

/**
 * By the framing headers, the only way an HTTP/1.1 request carries a body (RFC 9112 §6.3). Not
 * `req.complete`: that is set after the 'request' event, so a handler that ran synchronously
 * would see every bodiless request as incomplete.
 */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * What every SSE route is registered with. `HEAD` gets 405 with `Allow: GET` (Fastify would
 * otherwise run the GET handler for HEAD, and the handler writes a stream body straight to the
 * socket), and the socket is checked before any other work: a pipelined request is refused
 * however valid it is. `openRawSse` checks again, since the client may pipeline or half-close
 * while the stream is being set up. Spread the result into the GET route's options.
 */
export function sseRoute(app: FastifyInstance, path: string): { exposeHeadRoute: false; onRequest: (req: FastifyRequest, reply: FastifyReply) => Promise<void> } {
  app.head(path, { schema: { hide: true } }, async (_req, reply) => {
    reply.header('Allow', 'GET');
    throw new HeraldError('method_not_allowed', 'A stream is opened with GET.');
  });
  return { exposeHeadRoute: false, onRequest: checkHijackable };
}

async function checkHijackable(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  assertHijackable(req, reply);
}
