/**
 * CORS with an exact allow-list. An allowed Origin is echoed with credentials allowed; any other
 * origin gets no CORS headers at all. A wildcard is never combined with credentials.
 */
import type { FastifyInstance } from 'fastify';
import { originAllowed } from '../auth/index.ts';

const ALLOW_HEADERS = 'Authorization, Content-Type, Last-Event-ID';
const ALLOW_METHODS = 'GET, POST, PUT, OPTIONS';

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const wildcard = origins.includes('*');
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (originAllowed(origin, origins)) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Access-Control-Allow-Credentials', 'true');
      reply.header('Vary', 'Origin');
    } else if (wildcard) {
      // Dev convenience only (refused in production): any origin, but never with credentials.
      reply.header('Access-Control-Allow-Origin', '*');
    } else {
      return;
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      reply
        .header('Access-Control-Allow-Methods', ALLOW_METHODS)
        .header('Access-Control-Allow-Headers', ALLOW_HEADERS)
        .header('Access-Control-Max-Age', '600')
        .code(204)
        .send();
    }
  });
}
