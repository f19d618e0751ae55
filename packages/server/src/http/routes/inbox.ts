/** Subscriber routes: the inbox, its counts, state changes and stream tickets. */
import { HeraldError, type InboxStatus, type StateAction } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import { authenticateUser } from '../authenticate.ts';
import type { AppOptions } from '../options.ts';
import { errorResponses, inboxQuery, stateBody, stateParams } from '../schemas.ts';
import { TokenBuckets } from '../token-bucket.ts';

/**
 * Tickets one user may take from this process: a burst of 40 (every stream of a user, 20 by
 * default, reconnecting at once, twice over), refilled at 2 a second. A ticket is stored until
 * it is redeemed or expires, so without a limit one signed-in user asking in a loop fills the
 * store (about 20 MB a second on SQLite with a token of 256 topics).
 */
const TICKETS_PER_USER = { ratePerS: 2, burst: 40 } as const;

export function inboxRoutes(app: FastifyInstance, o: AppOptions): void {
  app.get<{ Querystring: { status?: InboxStatus; category?: string; limit?: string; cursor?: string } }>(
    '/v1/inbox',
    { schema: { summary: "The caller's inbox, newest first", tags: ['inbox'], querystring: inboxQuery, response: errorResponses } },
    async (req) => {
      const p = await authenticateUser(req, o);
      const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
      if (limit < 1 || limit > 100) throw new HeraldError('invalid_query', 'limit is 1..100.');
      return o.hub.inbox(p.user, { status: req.query.status ?? 'all', category: req.query.category, limit, cursor: req.query.cursor });
    },
  );

  app.get('/v1/inbox/counts', { schema: { summary: 'Unread, unseen and total counts', tags: ['inbox'], response: errorResponses } }, async (req) => {
    const p = await authenticateUser(req, o);
    return o.hub.counts(p.user);
  });

  app.post<{ Params: { action: StateAction }; Body: { ids?: string[]; all?: true } }>(
    '/v1/inbox/:action',
    {
      schema: {
        summary: 'Mark notifications read, unread, seen, archived or unarchived (ids, or all for read and seen)',
        tags: ['inbox'],
        params: stateParams,
        body: stateBody,
        response: errorResponses,
      },
    },
    async (req) => {
      const p = await authenticateUser(req, o);
      const { action } = req.params;
      if (req.body.all && action !== 'read' && action !== 'seen') {
        throw new HeraldError('invalid_body', '`all` is accepted only by /read and /seen.');
      }
      const target = req.body.all ? { all: true as const } : { ids: [...new Set(req.body.ids ?? [])] };
      return o.hub.changeState(p.user, action, target);
    },
  );

  const tickets = new TokenBuckets(TICKETS_PER_USER.ratePerS, TICKETS_PER_USER.burst, o.clock);
  app.post('/v1/tickets', { schema: { summary: 'A single-use stream ticket (≤ 60 s)', tags: ['inbox'], response: errorResponses } }, async (req) => {
    const p = await authenticateUser(req, o);
    const wait = tickets.take(p.user);
    if (wait > 0) throw new HeraldError('rate_limited', 'Too many tickets for this user; retry shortly.', { retryAfter: wait });
    return o.tickets.issue(p);
  });
}
