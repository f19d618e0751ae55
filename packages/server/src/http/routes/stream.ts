/** `GET /v1/stream`: the SSE stream of one user (DESIGN §3). */
import { HeraldError, anyTopicAllowed, isTopic } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { Connection } from '../../hub/connection.ts';
import { authenticateUser } from '../authenticate.ts';
import type { AppOptions } from '../options.ts';
import { openRawSse } from '../raw-sse.ts';
import { errorResponses, streamQuery } from '../schemas.ts';
import { sseRoute } from '../sse-route.ts';
import { TokenBuckets } from '../token-bucket.ts';

export function streamRoutes(app: FastifyInstance, o: AppOptions, isDraining: () => boolean): void {
  const perS = o.limits.maxNewConnectionsPerS;
  const admission = new TokenBuckets(perS, perS, o.clock);
  // One user's share of the budget: half of it at once (a user's streams all reconnecting
  // after a restart) and a tenth of its rate, so one account in a loop cannot keep the others
  // at 429.
  const perUser = new TokenBuckets(Math.max(1, perS / 10), Math.max(1, Math.floor(perS / 2)), o.clock);

  app.get<{ Querystring: { topics?: string; ticket?: string; lastEventId?: string } }>(
    '/v1/stream',
    {
      ...sseRoute(app, '/v1/stream'),
      schema: {
        summary: 'The Server-Sent Events stream of the authenticated user',
        description:
          'Events: ready, notification, notification.state, counts, reset, and topic events. Resume with the Last-Event-ID header or the lastEventId query.',
        tags: ['stream'],
        querystring: streamQuery,
        response: errorResponses,
      },
    },
    async (req, reply) => {
      if (isDraining()) throw new HeraldError('shutting_down', undefined, { retryAfter: 1 });
      const principal = await authenticateUser(req, o, req.query.ticket);
      const topics = parseTopics(req.query.topics, o.limits.maxTopicsPerStream);
      const denied = topics.find((t) => !anyTopicAllowed(principal.topics, t));
      if (denied !== undefined) throw new HeraldError('topic_forbidden', `The token does not allow the topic ${denied}.`);
      // The budget is shared by every client of the process: only a request that will open a
      // stream spends it, or a stranger with no credential would keep everyone else at 429;
      // and a user first spends their own share.
      // (Refusing a bad credential costs less than a 429 does: a shape check, a cache hit or
      // one signature check, and an unknown ticket is a delete that matches no row.)
      const wait = perUser.take(principal.user) || admission.take('all');
      if (wait > 0) throw new HeraldError('rate_limited', 'Too many new streams; retry shortly.', { retryAfter: wait });
      const header = req.headers['last-event-id'];
      const cursor = (Array.isArray(header) ? header[0] : header) ?? req.query.lastEventId;

      // The socket's close listener must not share a closure with req and reply: it would keep
      // the whole HTTP exchange alive for the life of the stream (see detach-socket.ts).
      const link = new StreamLink();
      link.attach(
        await o.hub.openStream({
          user: principal.user,
          topics,
          cursor,
          expiresAt: principal.expiresAt,
          ip: req.ip,
          open: () => openRawSse(req, reply, link.onClose),
        }),
      );
    },
  );
}

function parseTopics(text: string | undefined, max: number): string[] {
  if (text === undefined || text === '') return [];
  const topics = [...new Set(text.split(','))];
  if (topics.length > max) throw new HeraldError('too_many_topics', `At most ${max} topics per stream.`);
  const bad = topics.find((t) => !isTopic(t));
  if (bad !== undefined) throw new HeraldError('invalid_topic', 'A topic is 1..200 of [A-Za-z0-9_-] segments joined by . : or /.');
  return topics;
}

/** Ties a socket's close to its connection, whichever of the two comes first. */
class StreamLink {
  private conn: Connection | undefined;
  private gone = false;

  readonly onClose = (): void => {
    this.gone = true;
    this.conn?.close('client');
  };

  attach(conn: Connection): void {
    this.conn = conn;
    if (this.gone) conn.close('client');
  }
}
