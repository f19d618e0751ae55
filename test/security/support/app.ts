/**
 * Builds Herald in-process, wired like `cli/runtime.ts` but on the memory store and bus, for the
 * suites that need thousands of requests per second (fuzzing) or a verifier option the CLI does
 * not expose (a short JWKS cooldown). `app.inject()` for most requests, `listen()` for real HTTP.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createApiKeyAuthenticator,
  createJwtVerifier,
  createTicketIssuer,
  type JwtVerifierOptions,
} from '../../../packages/server/src/auth/index.ts';
import { createMemoryBus } from '../../../packages/server/src/bus/memory-bus.ts';
import { Hub } from '../../../packages/server/src/hub/hub.ts';
import { createApp, type HeraldApp } from '../../../packages/server/src/http/app.ts';
import type { HttpLimits } from '../../../packages/server/src/http/options.ts';
import { createLocalPresence } from '../../../packages/server/src/presence/index.ts';
import { createMemoryStore, type Store } from '../../../packages/server/src/store/index.ts';
import { API_KEY, SECRET } from './server.ts';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages', 'server');

export interface InProcessOptions {
  jwt?: JwtVerifierOptions;
  limits?: Partial<HttpLimits>;
  corsOrigins?: string[];
  maxStreamsPerUser?: number;
  maxStreamsPerIp?: number;
  /** The store to run on (the app closes it). Default a fresh memory store. */
  store?: Store;
}

export interface InProcess {
  herald: HeraldApp;
  hub: Hub;
  /** Set after `listen()`. */
  url: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Limits generous enough that fuzzing never trips a rate limit by volume alone. */
const LIMITS: HttpLimits = {
  bodyLimit: 65_536,
  maxDataBytes: 16_384,
  maxRecipients: 1000,
  maxTopicsPerStream: 32,
  publishRate: 1_000_000,
  publishBurst: 1_000_000,
  maxNewConnectionsPerS: 1_000_000,
};

export async function buildApp(o: InProcessOptions = {}): Promise<InProcess> {
  const store = o.store ?? createMemoryStore();
  const bus = createMemoryBus();
  const presence = createLocalPresence({ maxStreamsPerUser: o.maxStreamsPerUser ?? 100_000, maxStreamsPerIp: o.maxStreamsPerIp ?? 1_000_000 });
  const hub = new Hub({ store, bus, gate: presence, heartbeatMs: 15_000 });
  await hub.start();
  const herald = await createApp({
    hub,
    jwt: createJwtVerifier(o.jwt ?? { alg: 'HS256', secret: SECRET }),
    apiKeys: createApiKeyAuthenticator([{ key: API_KEY, scopes: ['publish', 'admin'] }]),
    tickets: createTicketIssuer({ store, ttlMs: 30_000 }),
    presence,
    corsOrigins: o.corsOrigins ?? ['https://app.example'],
    limits: { ...LIMITS, ...o.limits },
    trustProxy: false,
    ready: async () => ({ ok: true, checks: {} }),
    distDir: join(PACKAGE_DIR, '..', '..', 'dist'),
    assetsDir: join(PACKAGE_DIR, 'assets'),
    logger: false,
    headersTimeoutMs: 10_000,
    idleTimeoutMs: 65_000,
  });
  const self: InProcess = {
    herald,
    hub,
    url: '',
    async listen() {
      self.url = await herald.app.listen({ port: 0, host: '127.0.0.1' });
      return self.url;
    },
    async close() {
      await hub.close();
      await herald.app.close();
      await presence.close();
      await bus.close();
      await store.close();
    },
  };
  return self;
}
