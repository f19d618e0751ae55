/**
 * An in-process Herald over a real SQLite file, listening on loopback: the store, hub, app and
 * readiness check wired as `herald serve` wires them, but with the SQLite connection in the
 * test's hands, to inject faults SQLite itself raises (max_page_count → SQLITE_FULL, query_only
 * → SQLITE_READONLY). Every health change the store reports is recorded, as the CLI logs it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createReadiness } from '../../../packages/server/src/cli/readiness.ts';
import { createMemoryBus } from '../../../packages/server/src/bus/memory-bus.ts';
import { Hub } from '../../../packages/server/src/hub/hub.ts';
import { createSqliteStore } from '../../../packages/server/src/store/sqlite-store.ts';
import type { StoreHealthChange } from '../../../packages/server/src/store/store.ts';
import { createApiKeyAuthenticator, createJwtVerifier, createTicketIssuer } from '../../../packages/server/src/auth/index.ts';
import { createApp } from '../../../packages/server/src/http/app.ts';
import { createLocalPresence } from '../../../packages/server/src/presence/index.ts';
import { TEST_API_KEY, TEST_SECRET } from '../../e2e/support/herald-process.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface SqliteApp {
  readonly url: string;
  readonly file: string;
  readonly dir: string;
  /** The store's current connection (it changes on restart). */
  db(): Database.Database;
  /** Health changes the store reported, in order. */
  readonly changes: StoreHealthChange[];
  /** Closes everything and opens the same file again, on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startSqliteApp(o: { dir?: string; busyTimeoutMs?: number } = {}): Promise<SqliteApp> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'herald-sqlite-app-'));
  const file = join(dir, 'herald.db');
  const changes: StoreHealthChange[] = [];
  let db!: Database.Database;
  let port = 0;
  let url = '';
  let current: Awaited<ReturnType<typeof open>>;

  async function open() {
    const store = createSqliteStore({
      path: file,
      busyTimeoutMs: o.busyTimeoutMs,
      open: (p) => (db = new Database(p)),
      onHealth: (c) => changes.push(c),
    });
    const bus = createMemoryBus();
    const hub = new Hub({ store, bus, heartbeatMs: 60_000 });
    await hub.start();
    const { app } = await createApp({
      hub,
      jwt: createJwtVerifier({ alg: 'HS256', secret: TEST_SECRET }),
      apiKeys: createApiKeyAuthenticator([{ key: TEST_API_KEY, scopes: ['publish', 'admin'] }]),
      tickets: createTicketIssuer({ store, ttlMs: 30_000 }),
      presence: createLocalPresence({}),
      corsOrigins: [],
      limits: { bodyLimit: 65_536, maxDataBytes: 16_384, maxRecipients: 1000, maxTopicsPerStream: 32, publishRate: 1e6, publishBurst: 1e6, maxNewConnectionsPerS: 1e6 },
      trustProxy: false,
      ready: createReadiness({ store, bus }),
      distDir: join(ROOT, 'dist'),
      assetsDir: join(ROOT, 'packages/server/assets'),
      logger: false,
      headersTimeoutMs: 10_000,
      idleTimeoutMs: 65_000,
    });
    url = await app.listen({ host: '127.0.0.1', port });
    port = Number(new URL(url).port);
    return {
      async close() {
        await app.close();
        await hub.close();
        await store.close();
      },
    };
  }
  current = await open();
  return {
    get url() {
      return url;
    },
    file,
    dir,
    db: () => db,
    changes,
    async restart() {
      await current.close();
      current = await open();
    },
    async close() {
      await current.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
