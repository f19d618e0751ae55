/** `/admin`: the dashboard page, and its live feed `GET /v1/admin/stream` (admin scope). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeComment, encodeEvent } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import { authenticatePublisher } from '../authenticate.ts';
import type { AppOptions } from '../options.ts';
import { openRawSse } from '../raw-sse.ts';
import { statsBody } from './ops.ts';

export function adminRoutes(app: FastifyInstance, o: AppOptions): void {
  const startedAt = Date.now();

  app.get('/admin', { schema: { summary: 'The admin dashboard (asks for an admin API key)', tags: ['ops'] } }, async (_req, reply) => {
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store');
    return readFileSync(join(o.assetsDir, 'admin.html'), 'utf8');
  });

  app.get('/v1/admin/stream', { schema: { summary: 'Live stats (every second) and activity for the dashboard (admin scope)', tags: ['admin'] } }, async (req, reply) => {
    authenticatePublisher(req, o, 'admin');
    let timer: NodeJS.Timeout | undefined;
    let unsubscribe = () => {};
    const sink = openRawSse(req, reply, () => {
      clearInterval(timer);
      unsubscribe();
    });
    let last = o.hub.stats();
    let lastAt = Date.now();
    const tick = async () => {
      const now = Date.now();
      const s = await statsBody(o, startedAt);
      const events = s.publishedTotal + s.topicEventsTotal - last.publishedTotal - last.topicEventsTotal;
      const eventsPerSecond = Math.round((events * 1000) / Math.max(1, now - lastAt));
      last = o.hub.stats();
      lastAt = now;
      sink.write(encodeEvent({ event: 'stats', data: JSON.stringify({ ...s, eventsPerSecond }) }));
    };
    sink.write(encodeComment('herald admin'));
    void tick();
    timer = setInterval(() => void tick().catch(() => {}), 1000);
    unsubscribe = o.hub.onActivity((a) => {
      // The dashboard is a monitor, not a consumer: if it cannot keep up, it misses activity.
      if (sink.bufferedBytes < 256 * 1024) sink.write(encodeEvent({ event: 'activity', data: JSON.stringify(a) }));
    });
  });
}
