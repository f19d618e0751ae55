/**
 * The Postgres schema, as ordered migrations recorded in `herald_migrations`. All migrations and
 * the epoch insert run in one transaction under an advisory lock keyed by the current schema, so
 * several processes starting at once on a fresh database are safe: one migrates, the others wait
 * and then find nothing to do. Times and sequences are `bigint` epoch ms: exact, unlike
 * `timestamptz` (µs, rounding), which made age trims flaky.
 */
import type pg from 'pg';
import { inTransaction, slowQueries } from './postgres-tx.ts';
import { newEpoch } from './rules.ts';

/** Never edit a shipped migration; append a new one. */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE herald_meta (key text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE notifications (
    id text PRIMARY KEY,
    recipient text NOT NULL,
    seq bigint NOT NULL,
    title text NOT NULL,
    body text,
    severity text NOT NULL,
    category text,
    url text,
    data text,
    created_at bigint NOT NULL,
    expires_at bigint,
    seen_at bigint,
    read_at bigint,
    archived_at bigint,
    dedupe_key text
  );
  CREATE UNIQUE INDEX notifications_by_user ON notifications (recipient, seq);
  CREATE UNIQUE INDEX notifications_dedupe ON notifications (recipient, dedupe_key) WHERE dedupe_key IS NOT NULL;
  CREATE TABLE user_positions (user_id text PRIMARY KEY, last bigint NOT NULL, trimmed bigint NOT NULL);
  CREATE TABLE user_events (
    user_id text NOT NULL,
    seq bigint NOT NULL,
    at bigint NOT NULL,
    type text NOT NULL,
    payload text NOT NULL,
    PRIMARY KEY (user_id, seq)
  );
  CREATE TABLE topic_position (id int PRIMARY KEY CHECK (id = 1), last bigint NOT NULL, trimmed bigint NOT NULL);
  INSERT INTO topic_position (id, last, trimmed) VALUES (1, 0, 0);
  CREATE TABLE topic_events (seq bigint PRIMARY KEY, topic text NOT NULL, event text NOT NULL, data text NOT NULL, at bigint NOT NULL);
  CREATE TABLE tickets (hash text PRIMARY KEY, payload text NOT NULL, expires_at bigint NOT NULL);
  `,
];

/** An arbitrary constant: the second half of the advisory lock key (the first is the schema). */
export const MIGRATION_LOCK_CLASS = 0x4845_52;

/**
 * Creates or upgrades the schema in the pool's current schema; returns the epoch. Runs through
 * `inTransaction`, so a connection cut mid-migration rejects here and leaves the pool, instead of
 * crashing the process with the client's unhandled 'error'. Not retried: start-up reports it.
 */
export async function migratePostgres(pool: pg.Pool): Promise<string> {
  return inTransaction(
    pool,
    async (pc) => {
      // Waits behind another node's migration, and a migration may rewrite a large table.
      const c = slowQueries(pc);
      await c.query('SELECT pg_advisory_xact_lock(hashtext(current_schema()), $1)', [MIGRATION_LOCK_CLASS]);
      await c.query('CREATE TABLE IF NOT EXISTS herald_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const { rows } = await c.query<{ v: number }>('SELECT COALESCE(MAX(version), 0)::int AS v FROM herald_migrations');
      const version = rows[0]!.v;
      if (version > POSTGRES_MIGRATIONS.length) {
        throw new Error(`the database has Herald schema version ${version}, newer than this Herald (${POSTGRES_MIGRATIONS.length}): upgrade Herald`);
      }
      for (let v = version; v < POSTGRES_MIGRATIONS.length; v++) {
        await c.query(POSTGRES_MIGRATIONS[v]!);
        await c.query('INSERT INTO herald_migrations (version) VALUES ($1)', [v + 1]);
      }
      await c.query(`INSERT INTO herald_meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO NOTHING`, [newEpoch()]);
      const epoch = await c.query<{ value: string }>(`SELECT value FROM herald_meta WHERE key = 'epoch'`);
      return epoch.rows[0]!.value;
    },
    1,
  );
}
