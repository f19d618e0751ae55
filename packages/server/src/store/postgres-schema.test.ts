import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../../../../test/support/requires.ts';
import { PG_URL, TestSchemas, postgresReachable } from './fixtures/postgres-schemas.ts';
import { MIGRATION_LOCK_CLASS, migratePostgres } from './postgres-schema.ts';

const skip = missing({ postgres: await postgresReachable() });

describe.skipIf(skip)('postgres migrations', () => {
  const schemas = new TestSchemas();
  afterAll(() => schemas.dropAll());

  it('a migration whose connection is cut rejects, drops that connection from the pool, and never crashes the process', async () => {
    const { schema } = await schemas.create();
    const app = `herald-migrate-${schema}`;
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2, application_name: app, options: `-c search_path=${schema}` });
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      // Hold the migration lock, so the migration waits inside its transaction; then cut it.
      await admin.query('SELECT pg_advisory_lock(hashtext($1), $2)', [schema, MIGRATION_LOCK_CLASS]);
      const migrating = migratePostgres(pool);
      const outcome = migrating.then(() => 'migrated', (err: Error) => err.message);
      let pid: number | undefined;
      for (let i = 0; i < 200 && pid === undefined; i++) {
        const { rows } = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app]);
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      expect(pid, 'the migration waiting on its lock').toBeDefined();
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      expect(await outcome).toMatch(/terminat/);
      await new Promise((r) => setTimeout(r, 100)); // the socket's end arrives after the query error
      expect(uncaught).toEqual([]);
      expect(pool.totalCount, 'the cut connection is not back in the pool').toBe(0);
      // The pool still works: a fresh connection migrates once the lock is free.
      await admin.query('SELECT pg_advisory_unlock(hashtext($1), $2)', [schema, MIGRATION_LOCK_CLASS]);
      expect(await migratePostgres(pool)).toMatch(/./);
    } finally {
      process.off('uncaughtException', onUncaught);
      await admin.end();
      await pool.end();
    }
  });
});
