/** `/admin`: the dashboard page, and its live feed `GET /v1/admin/stream` (admin scope). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AdminFeed } from '../admin-feed.ts';
import { authenticatePublisher } from '../authenticate.ts';
import type { AppOptions } from '../options.ts';
import { openRawSse } from '../raw-sse.ts';
import { asPage } from '../page-headers.ts';
import { sseRoute } from '../sse-route.ts';
import { statsBody } from './ops.ts';

export function adminRoutes(app: FastifyInstance, o: AppOptions): void {
  const startedAt = Date.now();

  app.get('/admin', { schema: { summary: 'The admin dashboard (asks for an admin API key)', tags: ['ops'] } }, async (_req, reply) => {
    asPage(reply);
    return readFileSync(join(o.assetsDir, 'admin.html'), 'utf8');
  });

  app.get(
    '/v1/admin/stream',
    { ...sseRoute(app, '/v1/admin/stream'), schema: { summary: 'Live stats (every second) and activity for the dashboard (admin scope)', tags: ['admin'] } },
    async (req, reply) => {
      authenticatePublisher(req, o, 'admin');
      // Read once before opening: while presence is down this answers 503 with Retry-After, and
      // the dashboard backs off. An outage after the stream opened becomes `stats.error` events.
      const first = await statsBody(o, startedAt);
      const feed = new AdminFeed({ stats: () => statsBody(o, startedAt), onActivity: (l) => o.hub.onActivity(l), log: app.log }, first);
      feed.start(openRawSse(req, reply, feed.stop));
    },
  );
}
