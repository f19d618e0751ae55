/** Operations: health, readiness, metrics, the API spec, stats and presence. */
import { HeraldError, isUserId } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import { authenticatePublisher } from '../authenticate.ts';
import { createMetrics } from '../metrics.ts';
import type { AppOptions } from '../options.ts';
import { errorResponses, presenceQuery } from '../schemas.ts';

export function opsRoutes(app: FastifyInstance, o: AppOptions, isDraining: () => boolean): void {
  const metrics = createMetrics(o.hub);
  const startedAt = Date.now();

  app.get('/healthz', { schema: { summary: 'Liveness: the process answers', tags: ['ops'] } }, async () => ({ ok: true }));

  app.get('/readyz', { schema: { summary: 'Readiness: the store takes writes, the bus works and the node is not draining', tags: ['ops'] } }, async (_req, reply) => {
    const r = await o.ready();
    const draining = isDraining();
    const ok = r.ok && !draining;
    reply.code(ok ? 200 : 503);
    const reasons = { ...r.reasons, ...(draining ? { draining: 'shutting_down' } : {}) };
    return { ok, checks: { ...r.checks, draining }, ...(Object.keys(reasons).length > 0 ? { reasons } : {}) };
  });

  if (o.metrics !== false) {
    app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['ops'] } }, async (_req, reply) => {
      reply.type(metrics.contentType);
      return metrics.metrics();
    });
  }

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/v1/stats', { schema: { summary: 'Connections, users and throughput (admin scope)', tags: ['admin'], response: errorResponses } }, async (req) => {
    authenticatePublisher(req, o, 'admin');
    return statsBody(o, startedAt);
  });

  app.get<{ Querystring: { users: string } }>(
    '/v1/presence',
    { schema: { summary: 'Whether users are online, and their stream counts (admin scope)', tags: ['admin'], querystring: presenceQuery, response: errorResponses } },
    async (req) => {
      authenticatePublisher(req, o, 'admin');
      const users = [...new Set(req.query.users.split(','))];
      if (users.length > 1000 || users.some((u) => !isUserId(u))) throw new HeraldError('invalid_query', 'users is 1..1000 comma-separated user ids.');
      if (o.presence) return { users: await o.presence.online(users).catch(unavailable) };
      return { users: Object.fromEntries(users.map((u) => [u, { online: false, streams: 0 }])) };
    },
  );
}

/** The `/v1/stats` body, also sent every second on the admin stream. */
export async function statsBody(o: AppOptions, startedAt: number) {
  const local = o.hub.stats();
  const cluster = o.presence ? await o.presence.stats().catch(unavailable) : { connections: local.connections, users: local.users, nodes: 1 };
  return { ...cluster, process: local, publishedTotal: local.publishedTotal, topicEventsTotal: local.topicEventsTotal, deliveredTotal: local.deliveredTotal, uptimeS: Math.round((Date.now() - startedAt) / 1000) };
}

/** Cluster-wide presence lives in Redis: while it is down, say so instead of guessing. */
function unavailable(cause: unknown): never {
  throw new HeraldError('unavailable', 'Presence is unavailable (Redis is down); retry later.', { cause, retryAfter: 5 });
}
