/**
 * Every failure becomes `{"error":{"code","message"}}` with a stable code. Client mistakes are
 * 4xx; only a bug on our side is a 500, and its details go to the log, not to the client.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_CODES, HeraldError, type ErrorCode } from '@herald/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  // Router errors (a malformed percent-escape, an over-long path parameter), via frameworkErrors.
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_MAX_PARAM_LENGTH: 'bad_request',
};

/** Maps any thrown value to a HeraldError. */
export function toHeraldError(err: unknown): HeraldError {
  if (err instanceof HeraldError) return err;
  const e = err as FastifyError & { validationContext?: string };
  if (e && Array.isArray(e.validation)) {
    const code: ErrorCode = e.validationContext === 'querystring' ? 'invalid_query' : e.validationContext === 'body' ? 'invalid_body' : 'bad_request';
    return new HeraldError(code, e.message);
  }
  if (e && typeof e.code === 'string' && FASTIFY_CODES[e.code]) return new HeraldError(FASTIFY_CODES[e.code]!);
  if (e instanceof SyntaxError || (e && e.statusCode === 400)) return new HeraldError('invalid_json');
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HeraldError(e.statusCode === 404 ? 'not_found' : e.statusCode === 405 ? 'method_not_allowed' : e.statusCode === 413 ? 'body_too_large' : e.statusCode === 415 ? 'unsupported_media_type' : 'bad_request');
  }
  return new HeraldError('internal', ERROR_CODES.internal.message, { cause: err });
}

export function sendError(reply: FastifyReply, err: HeraldError): void {
  if (err.retryAfter !== undefined) reply.header('Retry-After', String(Math.ceil(err.retryAfter)));
  reply.code(err.status).type('application/json').send(err.toBody());
}

export function errorHandler(this: unknown, err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const he = toHeraldError(err);
  // A refusal with Retry-After (a full disk, a database away) is reported once by its source when
  // it starts and ends; an error line per refused request would flood the log, and the full disk.
  if (he.status >= 500 && he.retryAfter === undefined) req.log.error({ err: he.cause ?? err }, 'request failed');
  else if (he.status >= 500) req.log.debug({ err: he.cause ?? err }, 'request refused');
  sendError(reply, he);
}

/**
 * Fastify answers router errors itself, in its own body shape and with 414 for a long parameter,
 * unless `frameworkErrors` is set: this keeps them in the documented `{"error":{…}}` form.
 */
export function frameworkErrorHandler(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  sendError(reply, toHeraldError(err));
}

export function notFoundHandler(_req: FastifyRequest, reply: FastifyReply): void {
  sendError(reply, new HeraldError('not_found'));
}

/** What Node's parser reports before there is a request to answer (see `clientErrorHandler`). */
const CLIENT_ERROR_CODES: Record<string, ErrorCode> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'body_too_large',
};

/** The HeraldError for a parser error: anything not listed is malformed framing, 400. */
export function clientErrorOf(err: { code?: unknown }): HeraldError {
  const code = typeof err.code === 'string' ? CLIENT_ERROR_CODES[err.code] : undefined;
  return new HeraldError(code ?? 'bad_request', code ? undefined : 'The request is malformed HTTP (e.g. duplicate Content-Length, or Content-Length with Transfer-Encoding).');
}

/**
 * Node's server 'clientError': the parser refused the bytes (duplicate Content-Length,
 * Content-Length with Transfer-Encoding, an invalid header, a headers timeout) before any request
 * existed, so no route or error handler runs. Node and Fastify would write their own bare 400;
 * this writes the documented JSON body instead, when the socket can still take it and no
 * response has started on it, then closes the connection: the framing is lost, so nothing
 * after the bad bytes can be trusted.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  // A reset: the client is gone and there is nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ err }, 'client error');
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent === true;
  if (socket.writable && !started) {
    const he = clientErrorOf(err);
    const body = JSON.stringify(he.toBody());
    socket.write(
      `HTTP/1.1 ${he.status} ${STATUS_CODES[he.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  // End once the answer is flushed; a client that never reads gets no more than a second.
  socket.destroySoon();
  setTimeout(destroy, 1000, socket).unref();
}

function destroy(socket: Socket): void {
  socket.destroy();
}

/**
 * Node's server 'checkExpectation': an `Expect` other than `100-continue` (RFC 9110 §10.1.1).
 * Node answers it itself, before any route or hook, with a bare 417; this gives it the documented
 * JSON body. The connection stays usable: Node discards the refused request's body.
 */
export function expectationFailedHandler(_req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify(new HeraldError('expectation_failed').toBody());
  res.writeHead(417, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
