/** The browser bundles, served in every mode so pages can load the bell from Herald itself. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeraldError } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../options.ts';

const BUNDLES = new Set(['herald-bell.js', 'herald-client.js', 'herald-react.js']);

export function assetRoutes(app: FastifyInstance, o: AppOptions): void {
  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { summary: 'Browser bundles: herald-bell.js, herald-client.js, herald-react.js', tags: ['ops'] } }, async (req, reply) => {
    if (!BUNDLES.has(req.params.file)) throw new HeraldError('not_found');
    const body = await readFile(join(o.distDir, req.params.file)).catch(() => {
      throw new HeraldError('not_found', 'Bundle not built: run npm run build.');
    });
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=300').header('Access-Control-Allow-Origin', '*');
    return body;
  });
}
