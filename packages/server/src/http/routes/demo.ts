/** Dev mode only: the demo page at `/`, a token for a demo user, and a test publish. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeraldError, SEVERITIES, type Severity } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../options.ts';
import { asPage } from '../page-headers.ts';

const DEMO_USERS = new Set(['alice', 'bob', 'carol']);
const SAMPLES: Record<Severity, { title: string; body: string }> = {
  info: { title: 'New comment on "Q3 roadmap"', body: 'Dana: Looks good, shipping the draft today.' },
  success: { title: 'Deploy finished', body: 'web@4f2c1a is live in production.' },
  warning: { title: 'Storage at 85 %', body: 'The uploads bucket will be full in about 6 days.' },
  critical: { title: 'Payment failed', body: 'The card ending 4242 was declined. Update it to keep your plan.' },
};

export function demoRoutes(app: FastifyInstance, o: AppOptions): void {
  const demo = o.demo;
  if (!demo) return;
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    asPage(reply);
    return readFileSync(join(o.assetsDir, 'demo.html'), 'utf8');
  });

  app.get<{ Querystring: { user: string } }>(
    '/demo/token',
    { schema: { hide: true, querystring: { type: 'object', required: ['user'], additionalProperties: false, properties: { user: { type: 'string' } } } } },
    async (req) => {
      if (!DEMO_USERS.has(req.query.user)) throw new HeraldError('invalid_query', 'Demo users are alice, bob and carol.');
      return { token: await demo.signToken(req.query.user) };
    },
  );

  app.post<{ Body: { user: string; severity: Severity } }>(
    '/demo/publish',
    {
      schema: {
        hide: true,
        body: { type: 'object', required: ['user', 'severity'], additionalProperties: false, properties: { user: { type: 'string' }, severity: { type: 'string', enum: [...SEVERITIES] } } },
      },
    },
    async (req, reply) => {
      if (!DEMO_USERS.has(req.body.user)) throw new HeraldError('invalid_body', 'Demo users are alice, bob and carol.');
      const sample = SAMPLES[req.body.severity];
      reply.code(201);
      return o.hub.publish({ recipients: [req.body.user], severity: req.body.severity, category: 'demo', ...sample });
    },
  );
}
