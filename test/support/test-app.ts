/**
 * An in-process Herald app for tests that need HTTP semantics without a child process: memory
 * store and bus, real authenticators, real Fastify. Black-box tests use the real CLI instead.
 */
import { join } from 'node:path';
import { createApiKeyAuthenticator, createJwtVerifier, createTicketIssuer, signDevToken } from '../../packages/server/src/auth/index.ts';
import { createMemoryBus } from '../../packages/server/src/bus/memory-bus.ts';
import { Hub } from '../../packages/server/src/hub/hub.ts';
import { createApp } from '../../packages/server/src/http/app.ts';
import type { AppOptions } from '../../packages/server/src/http/options.ts';
import { createLocalPresence } from '../../packages/server/src/presence/index.ts';
import { createMemoryStore } from '../../packages/server/src/store/memory-store.ts';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';
export const TEST_KEY = 'hk_test_publish_admin_0123456789';

const root = join(import.meta.dirname, '..', '..');

export async function createTestApp(overrides: Partial<AppOptions> = {}) {
  const store = createMemoryStore();
  const hub = new Hub({ store, bus: createMemoryBus(), heartbeatMs: 60_000 });
  await hub.start();
  const { app } = await createApp({
    hub,
    jwt: createJwtVerifier({ alg: 'HS256', secret: TEST_SECRET }),
    apiKeys: createApiKeyAuthenticator([{ key: TEST_KEY, scopes: ['publish', 'admin'] }]),
    tickets: createTicketIssuer({ store, ttlMs: 30_000 }),
    presence: createLocalPresence({}),
    corsOrigins: ['https://app.example.com'],
    limits: { bodyLimit: 65_536, maxDataBytes: 16_384, maxRecipients: 1000, maxTopicsPerStream: 32, publishRate: 1e6, publishBurst: 1e6, maxNewConnectionsPerS: 1e6 },
    trustProxy: false,
    ready: async () => ({ ok: true, checks: {} }),
    distDir: join(root, 'dist'),
    assetsDir: join(root, 'packages/server/assets'),
    logger: false,
    headersTimeoutMs: 10_000,
    idleTimeoutMs: 65_000,
    ...overrides,
  });
  const token = (sub: string, topics: string[] = []) => signDevToken({ secret: TEST_SECRET, sub, topics });
  return {
    app,
    hub,
    store,
    token,
    async close() {
      await app.close();
      await hub.close();
      await store.close();
    },
  };
}
