/**
 * The three real stores, for suites that must give the same answers on each: a fresh memory
 * store, a SQLite file in a temporary directory, and a Postgres store on a fresh schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestSchemas, postgresReachable } from '../../../packages/server/src/store/fixtures/postgres-schemas.ts';
import { createMemoryStore, createPostgresStore, createSqliteStore, type Store } from '../../../packages/server/src/store/index.ts';
import { missing } from '../../support/requires.ts';

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
