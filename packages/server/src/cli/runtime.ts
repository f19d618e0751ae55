/**
 * Builds one running Herald process from a validated configuration: store, bus, presence,
 * authenticators, hub and HTTP app. The I/O edge where configuration becomes objects.
 */
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createApiKeyAuthenticator,
  createJwtVerifier,
  createTicketIssuer,
  signDevToken,
} from '../auth/index.ts';
import { createMemoryBus } from '../bus/memory-bus.ts';
import { createRedisBus } from '../bus/redis-bus.ts';
import type { Bus } from '../bus/bus.ts';
import type { Config } from '../config/config.ts';
import { Hub } from '../hub/hub.ts';
import { createApp, type HeraldApp } from '../http/app.ts';
import { createLocalPresence, createRedisPresence, type Presence } from '../presence/index.ts';
import { createStore } from '../store/index.ts';
import { createReadiness } from './readiness.ts';
import type { Store } from '../store/store.ts';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROOT_DIR = join(PACKAGE_DIR, '..', '..');

export interface Runtime {
  url: string;
  hub: Hub;
  app: HeraldApp;
  /** SIGTERM path: stop admitting, close streams over the drain window, finish writes, exit. */
  shutdown(drainMs?: number): Promise<void>;
}

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const store: Store = await createStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    // One line per change, not per refused request: what broke, and that writes answer 503.
    onHealth: (c) => (c.writable ? logger.info({ store: 'writable' }, c.detail) : logger.error({ fault: c.fault }, `store cannot write: ${c.detail}`)),
  });
  const nodeId = `${hostname()}:${process.pid}`;
  const limits = { maxStreamsPerUser: config.maxStreamsPerUser, maxStreamsPerIp: config.maxStreamsPerIp };
  const onError = (what: string) => (err: unknown) => logger.warn({ err: describe(err) }, what);
  let bus: Bus;
  let presence: Presence;
  if (config.redisUrl) {
    bus = createRedisBus({ url: config.redisUrl, sharded: config.redisSharded, onError: onError('redis bus'), onHealth: (ok, reason) => logger[ok ? 'info' : 'warn']({ reason }, `redis bus ${ok ? 'healthy' : 'unhealthy'}`) });
    presence = createRedisPresence({ url: config.redisUrl, nodeId, ...limits, onError: onError('redis presence') });
  } else {
    bus = createMemoryBus();
    presence = createLocalPresence(limits);
  }

  if (!config.jwt) throw new Error('No JWT key is configured: set HERALD_JWT_SECRET, HERALD_JWT_PUBLIC_KEY or HERALD_JWKS_URL.');
  const jwt = createJwtVerifier(config.jwt);
  const apiKeys = createApiKeyAuthenticator(config.apiKeys);
  const tickets = createTicketIssuer({ store, ttlMs: config.ticketTtlS * 1000 });

  const hub = new Hub({
    store,
    bus,
    gate: presence,
    heartbeatMs: config.heartbeatMs,
    retryMs: config.retryMs,
    bufferBytes: config.streamBufferBytes,
    retention: {
      userEventMaxCount: config.retentionEvents,
      userEventAgeMs: config.retentionAge,
      topicMaxCount: config.topicRetentionEvents,
      topicAgeMs: config.topicRetentionAge,
    },
    onError: (err, what) => logger.warn({ err: describe(err) }, what),
  });
  await hub.start();

  // The demo signs tokens for any user, so it exists only in dev mode with an HMAC secret.
  const demoSecret = config.demo && !config.production && config.jwt.secret && config.jwt.alg === 'HS256' ? config.jwt.secret : undefined;
  const app = await createApp({
    hub,
    jwt,
    apiKeys,
    tickets,
    presence,
    corsOrigins: config.corsOrigins,
    limits: {
      bodyLimit: config.bodyLimit,
      maxDataBytes: config.maxDataBytes,
      maxRecipients: config.maxRecipients,
      maxTopicsPerStream: config.maxTopicsPerStream,
      publishRate: config.publishRate,
      publishBurst: config.publishBurst,
      maxNewConnectionsPerS: config.maxNewConnectionsPerS,
    },
    trustProxy: config.trustProxy as boolean | string[],
    ready: createReadiness({ store, bus }),
    demo: demoSecret
      ? { signToken: (user) => signDevToken({ secret: demoSecret, sub: user, topics: ['**'], ttlS: 3600, audience: config.jwtClaims.audience, issuer: config.jwtClaims.issuer }) }
      : undefined,
    distDir: join(ROOT_DIR, 'dist'),
    assetsDir: join(PACKAGE_DIR, 'assets'),
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    metrics: config.metrics,
    headersTimeoutMs: config.headersTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
  });

  const address = await app.app.listen({ port: config.port, host: config.host });
  let stopping: Promise<void> | undefined;
  return {
    url: address,
    hub,
    app,
    shutdown(drainMs = config.drainMs) {
      stopping ??= (async () => {
        app.startDraining();
        // Stop accepting first, so the load balancer moves new streams to other nodes.
        const closed = app.app.close();
        await hub.drain(drainMs);
        await hub.close();
        await closed;
        await Promise.allSettled([bus.close(), presence.close()]);
        await store.close();
      })();
      return stopping;
    },
  };
}

/** Error text for logs: never the URL of a database or Redis, which may hold a password. */
function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\b(postgres(?:ql)?|rediss?):\/\/[^\s@]*@/gi, '$1://[redacted]@');
}
