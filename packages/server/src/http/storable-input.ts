/**
 * The one gate for text. Every request's body, query string, path parameters and `Last-Event-ID`
 * header pass `findUnstorable` before schema validation and before any route runs, so no store
 * ever sees NUL or an unpaired surrogate, and a field added later cannot forget the check.
 * (User ids from tokens are checked by the JWT verifier: `isUserId` follows the same rule.)
 *
 * The same walk bounds how deep a body nests. `JSON.parse` itself is iterative and safe, but
 * `JSON.stringify`, the stores' encoders and Postgres's jsonb parser recurse, so data nested a
 * few thousand levels (a few KB of `[`) would otherwise end in a 500.
 */
import { HeraldError, MAX_DATA_DEPTH, findUnstorable } from '@herald/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A body is one object level above its `data`. */
const MAX_BODY_DEPTH = MAX_DATA_DEPTH + 1;
/** Query strings and path parameters are flat (an array for a repeated key). */
const FLAT = 2;

/** Registers the gate on every route of `app`. Call before the routes are added. */
export function refuseUnstorableInput(app: FastifyInstance): void {
  app.addHook('preValidation', (req, _reply, done) => {
    try {
      checkRequest(req);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
}

/** Throws `invalid_text` (or `invalid_body` for nesting) when the request cannot be kept as sent. */
export function checkRequest(req: Pick<FastifyRequest, 'body' | 'query' | 'params' | 'headers'>): void {
  if (req.body !== undefined && !Buffer.isBuffer(req.body)) {
    const p = findUnstorable(req.body, MAX_BODY_DEPTH);
    if (p?.kind === 'depth') {
      throw new HeraldError('invalid_body', `data nests deeper than ${MAX_DATA_DEPTH} levels of objects and arrays (at ${p.path}).`);
    }
    if (p) throw unstorable(`the body field ${p.path}`);
  }
  check(req.query, 'the query parameter');
  check(req.params, 'the path parameter');
  check(req.headers['last-event-id'], 'the Last-Event-ID header');
}

function check(value: unknown, where: string): void {
  const p = findUnstorable(value, FLAT);
  if (p) throw unstorable(p.path === '' ? where : `${where} ${p.path}`);
}

function unstorable(where: string): HeraldError {
  return new HeraldError('invalid_text', `${where} holds NUL or an unpaired UTF-16 surrogate, which cannot be stored as sent.`);
}
