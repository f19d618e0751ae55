/**
 * The three real stores, for suites that must give the same answers on each: a fresh memory
 * store, a SQLite file in a temporary directory, and a Postgres store on a fresh schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestSchemas, postgresReachable } from '../../../packages/server/src/store/fixtures/postgres-schemas.ts';
import { createMemoryStore, createPostgresStore, createSqliteStore, type Store } from '../../../packages/server/src/store/index.ts';
import { afterAll, beforeAll, expect } from 'vitest';
import { missing } from '../../support/requires.ts';
import { buildApp, type InProcess } from './app.ts';

export interface StoreKind {
  name: 'memory' | 'sqlite' | 'postgres';
  /** Null when the kind can run here, else why it is skipped (strict mode throws instead). */
  skip: string | null;
  create(): Promise<Store>;
  /** Removes what `create` made (files, schemas); call after the store is closed. */
  cleanup(): Promise<void>;
}

/** Every store kind. Postgres needs the test server (see `postgres-schemas.ts`). */
export async function storeKinds(): Promise<StoreKind[]> {
  const schemas = new TestSchemas();
  const dirs: string[] = [];
  return [
    { name: 'memory', skip: null, create: async () => createMemoryStore(), cleanup: async () => {} },
    {
      name: 'sqlite',
      skip: null,
      async create() {
        const dir = mkdtempSync(join(tmpdir(), 'herald-text-'));
        dirs.push(dir);
        return createSqliteStore({ path: join(dir, 'herald.db') });
      },
      async cleanup() {
        for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
      },
    },
    {
      name: 'postgres',
      skip: missing({ postgres: await postgresReachable() }),
      async create() {
        const { pool } = await schemas.create();
        return createPostgresStore({ pool });
      },
      cleanup: () => schemas.dropAll(),
    },
  ];
}

/**
 * Registers the hooks of a suite that runs the real app, listening, on one store kind: built
 * before the suite's tests, closed and cleaned up after. Call inside the kind's `describe`;
 * the returned function gives the app once `beforeAll` has run.
 */
export function useAppOn(kind: StoreKind): () => InProcess {
  let h: InProcess | undefined;
  beforeAll(async () => {
    h = await buildApp({ store: await kind.create() });
    await h.listen();
  });
  afterAll(async () => {
    await h?.close();
    await kind.cleanup();
  });
  return () => h ?? expect.unreachable(`the app on the ${kind.name} store has not started`);
}
