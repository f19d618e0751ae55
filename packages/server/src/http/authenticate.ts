/**
 * Turns a request's credentials into a principal. Subscribers: bearer JWT, `herald_token` cookie
 * (writes need an allowed Origin) or a one-time ticket on the stream. Publishers: an API key
 * with the scope the route needs.
 */
import { HeraldError } from '@herald/protocol';
import type { FastifyRequest } from 'fastify';
import { chooseCredential, type ApiKeyPrincipal, type ApiKeyScope, type UserPrincipal } from '../auth/index.ts';
import type { AppOptions } from './options.ts';
import type { TokenBuckets } from './token-bucket.ts';

export async function authenticateUser(req: FastifyRequest, o: AppOptions, ticket?: string): Promise<UserPrincipal> {
  const cred = chooseCredential(
    {
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      ticket,
      origin: req.headers.origin,
      method: req.method,
    },
    { allowedOrigins: o.corsOrigins, allowTicket: ticket !== undefined },
  );
  if (cred.kind === 'ticket') return o.tickets.redeem(cred.ticket);
  return o.jwt.verify(cred.token);
}

export function authenticatePublisher(req: FastifyRequest, o: AppOptions, scope: ApiKeyScope, rate?: TokenBuckets): ApiKeyPrincipal {
  const header = req.headers.authorization;
  if (!header) throw new HeraldError('unauthenticated', 'Send the API key as Authorization: Bearer <key>.');
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m) throw new HeraldError('invalid_api_key', 'Send the API key as Authorization: Bearer <key>.');
  const principal = o.apiKeys.verify(m[1]!);
  if (!principal.scopes.has(scope)) throw new HeraldError('forbidden', `This API key lacks the ${scope} scope.`);
  if (rate) {
    const wait = rate.take(principal.id);
    if (wait > 0) throw new HeraldError('rate_limited', undefined, { retryAfter: wait });
  }
  return principal;
}
