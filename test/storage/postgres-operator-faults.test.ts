/**
 * Postgres that is up but cannot do what Herald asks: a standby after a failover (read-only), a
 * statement cut by the operator's `statement_timeout` or `lock_timeout`, a Herald table or the
 * whole schema dropped by mistake. Each answers writes with 503 `unavailable` (nothing was
 * acknowledged, a retry is right) instead of a 500, and `/readyz` fails with a reason instead
 * of saying ready while every publish fails.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createReadiness } from '../../packages/server/src/cli/readiness.ts';
import { StoreUnavailableError } from '../../packages/server/src/store/errors.ts';
import type { StoreHealthChange } from '../../packages/server/src/store/store.ts';
import { PG_URL, TestSchemas, postgresReachable } from '../../packages/server/src/store/fixtures/postgres-schemas.ts';
import { createPostgresStore } from '../../packages/server/src/store/postgres-store.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { missing } from '../support/requires.ts';

const skip = missing({ postgres: await postgresReachable() });
const schemas = new TestSchemas();
const pools: pg.Pool[] = [];
afterAll(async () => {
  for (const p of pools) await p.end().catch(() => undefined); // teardown: some were cut on purpose
  await schemas.dropAll();
});

const note = (id: string) => ({ id, recipient: 'ann', title: id, severity: 'info' as const });
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

/** A store on a fresh schema, over a pool the test controls (its connections can be made read-only). */
async function storeOnSchema(extraOptions = '') {
  const { schema, pool: admin } = await schemas.create();
  const app = `herald_ro_${randomBytes(4).toString('hex')}`;
  const state = { readOnly: false };
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4, application_name: app, options: `-c search_path=${schema} ${extraOptions}` });
  pool.on('error', () => {}); // idle clients cut by the test: the pool drops them
  // A new connection after the "failover" lands on a server that refuses writes.
  pool.on('connect', (c) => {
    if (state.readOnly) c.query('SET default_transaction_read_only = on').catch(() => undefined); // a failure shows in the next query
  });
  pools.push(pool);
  const store = await createPostgresStore({ pool });
  const ready = createReadiness({ store, bus: { healthy: () => true } });
  /** Every connection of this store is cut; the new ones are read-only, like a promoted-then-demoted primary. */
  const failOverToStandby = async () => {
    state.readOnly = true;
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
  };
  return { schema, admin, store, ready, failOverToStandby };
}

describe.skipIf(skip)('postgres up but unable to serve Herald', () => {
  it('a read-only standby (after a failover) fails /readyz with read_only and writes answer 503, never ready while every publish fails', async () => {
    const { store, ready, failOverToStandby } = await storeOnSchema();
    await store.publish([note('before')], Date.now());
    expect((await ready()).ok).toBe(true);
    await failOverToStandby();
    await waitFor('the cut connections to be dropped', async () => (await failure(store.counts('ann', Date.now()))) === null);
    const err = await failure(store.publish([note('during')], Date.now()));
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ status: 503, fault: 'read_only' });
    expect(await ready()).toMatchObject({ ok: false, reasons: { store: 'read_only' } });
  });

  it('a statement cut by statement_timeout or lock_timeout answers 503 busy, not 500', async () => {
    for (const setting of ['statement_timeout', 'lock_timeout']) {
      const { schema, admin, store, ready } = await storeOnSchema(`-c ${setting}=200`);
      // Another session (a migration, a long report) holds the lock Herald's publish needs.
      const holder = await admin.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`LOCK TABLE ${schema}.user_positions IN ACCESS EXCLUSIVE MODE`);
        const err = await failure(store.publish([note(`locked-${setting}`)], Date.now()));
        expect(err, setting).toBeInstanceOf(StoreUnavailableError);
        expect(err, setting).toMatchObject({ status: 503, fault: 'busy' });
        // The readiness probe reads the catalog only: a table lock never holds it (nor the pool).
        expect((await ready()).checks.store, setting).toBe(true);
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      await store.publish([note(`after-${setting}`)], Date.now());
    }
  });

  it('a fault and its end are reported once each (the operator\'s log line) and in health(), not once per refused write', async () => {
    const { schema, admin } = await storeOnSchema();
    const changes: StoreHealthChange[] = [];
    const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema} -c lock_timeout=100`)}`;
    const store = await createPostgresStore({ url, onHealth: (c) => changes.push(c) });
    try {
      await store.publish([note('before')], Date.now());
      expect(store.health?.()).toMatchObject({ writable: true });
      const holder = await admin.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`LOCK TABLE ${schema}.user_positions IN ACCESS EXCLUSIVE MODE`);
        for (let i = 0; i < 3; i++) expect(await failure(store.publish([note(`locked-${i}`)], Date.now()))).toMatchObject({ fault: 'busy' });
        expect(store.health?.()).toMatchObject({ writable: false, fault: 'busy', faults: { busy: 3 } });
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      await store.publish([note('after')], Date.now());
      expect(changes.map((c) => [c.writable, c.fault])).toEqual([[false, 'busy'], [true, undefined]]);
      expect(changes[0]!.detail).toMatch(/Postgres/);
      expect(store.health?.()).toMatchObject({ writable: true, faults: { busy: 3 } });
    } finally {
      await store.close();
    }
  });

  it('a Herald table or schema dropped while running answers writes 503 and fails /readyz, instead of 500 while ready', async () => {
    const { schema, admin, store, ready } = await storeOnSchema();
    await store.publish([note('before')], Date.now());
    await admin.query(`DROP TABLE ${schema}.user_events`);
    const err = await failure(store.publish([note('after-drop')], Date.now()));
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ status: 503, fault: 'schema_missing' });
    expect(await ready()).toMatchObject({ ok: false, reasons: { store: 'schema_missing' } });

    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    expect(await failure(store.publish([note('after-schema')], Date.now()))).toMatchObject({ status: 503, fault: 'schema_missing' });
    expect(await ready()).toMatchObject({ ok: false, reasons: { store: 'schema_missing' } });
  });
});
