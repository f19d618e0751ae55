/**
 * The Fastify application: every v1 route, ops endpoints, the dashboard and the demo. The only
 * code that knows Request and Response.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerCors } from './cors.ts';
import { HeraldError } from '@herald/protocol';
import { declaresUtf8 } from './charset.ts';
import { clientErrorHandler, errorHandler, expectationFailedHandler, frameworkErrorHandler, notFoundHandler } from './error-handler.ts';
import type { AppOptions } from './options.ts';
import { requestSerializer } from './redact.ts';
import { adminRoutes } from './routes/admin.ts';
import { assetRoutes } from './routes/assets.ts';
import { demoRoutes } from './routes/demo.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { opsRoutes } from './routes/ops.ts';
import { publishRoutes } from './routes/publish.ts';
import { streamRoutes } from './routes/stream.ts';
import { trackRequests } from './sse-route.ts';
import { refuseUnstorableInput } from './storable-input.ts';

export interface HeraldApp {
  app: FastifyInstance;
  /** Stops admitting new streams; `/readyz` fails from now on. */
  startDraining(): void;
}

export async function createApp(o: AppOptions): Promise<HeraldApp> {
  let draining = false;
  const isDraining = () => draining;
  const app = Fastify({
    logger: o.logger === false ? false : { level: 'info', ...(typeof o.logger === 'object' ? o.logger : {}), serializers: { req: requestSerializer } },
    bodyLimit: o.limits.bodyLimit,
    trustProxy: o.trustProxy,
    connectionTimeout: 0,
    keepAliveTimeout: o.idleTimeoutMs,
    requestTimeout: Math.max(o.headersTimeoutMs, 30_000),
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler,
    // Routes judge their own path parameters (an over-long topic is `invalid_topic`, not the
    // router's generic refusal); Node's 16 KiB header limit already bounds the whole URL.
    routerOptions: { maxParamLength: 16_384 },
    // Bytes Node's parser refuses (duplicate Content-Length, CL with TE) get the JSON error body.
    clientErrorHandler,
    // Node checks the headers timeout only every `connectionsCheckingInterval` (30 s by default),
    // which would let a slowloris client hold a socket for ~30 s whatever the timeout says.
    http: { connectionsCheckingInterval: Math.min(1000, o.headersTimeoutMs) },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } },
  });
  app.server.headersTimeout = o.headersTimeoutMs;
  // An unknown Expect never reaches a route: Node answers it, and this gives it the JSON body.
  app.server.on('checkExpectation', expectationFailedHandler);
  // Before any route: a stream must know whether a request was pipelined behind it.
  trackRequests(app.server);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Herald', version: '1', description: 'Real-time notification hub: publish over HTTP, receive over Server-Sent Events.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Publisher API key' },
          userToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Subscriber JWT' },
        },
      },
    },
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  registerCors(app, o.corsOrigins);
  // No response of Herald's is ever to be sniffed into another type (a JSON error read as HTML).
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
  });
  app.addHook('preParsing', async (req) => {
    if (!declaresUtf8(req.headers['content-type'])) throw new HeraldError('unsupported_media_type', 'Send the body as UTF-8: Content-Type: application/json, with no charset or charset=utf-8.');
  });

  // Before any route: no store may see text it cannot keep as sent (NUL, unpaired surrogates).
  refuseUnstorableInput(app);

  publishRoutes(app, o);
  streamRoutes(app, o, isDraining);
  inboxRoutes(app, o);
  opsRoutes(app, o, isDraining);
  adminRoutes(app, o);
  assetRoutes(app, o);
  demoRoutes(app, o);

  await app.ready();
  return {
    app,
    startDraining() {
      draining = true;
    },
  };
}
