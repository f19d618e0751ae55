import { missing } from '../../../../test/support/requires.ts';
import { runStoreContract } from './contract/index.ts';
import { TestSchemas, postgresReachable } from './fixtures/postgres-schemas.ts';
import { createPostgresStore } from './postgres-store.ts';
import type { Store } from './store.ts';
import type pg from 'pg';
import { describe } from 'vitest';

const skip = missing({ postgres: await postgresReachable() });
const schemas = new TestSchemas();
const pools = new WeakMap<Store, pg.Pool>();

describe.skipIf(skip)('postgres store', () => {
  runStoreContract('postgres', {
    async create() {
      const { pool } = await schemas.create();
      const store = await createPostgresStore({ pool });
      pools.set(store, pool);
      return store;
    },
    async reopen(previous) {
      await previous.close();
      const pool = pools.get(previous)!;
      const store = await createPostgresStore({ pool });
      pools.set(store, pool);
      return store;
    },
    cleanup: () => schemas.dropAll(),
  });
});
