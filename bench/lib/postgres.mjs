/** A throwaway Postgres database for the persisted-publish scenario, and its durability settings. */
import pg from 'pg';

export const ADMIN_URL = process.env.HERALD_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates `herald_bench_<pid>`; returns its URL, a `drop()` and the server's durability settings. */
export async function createBenchDatabase() {
  const name = `herald_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const settings = {};
    for (const k of ['synchronous_commit', 'fsync', 'wal_sync_method', 'server_version']) {
      settings[k] = (await admin.query(`SHOW ${k}`)).rows[0][k];
    }
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      settings,
      async drop() {
        const c = new pg.Client({ connectionString: ADMIN_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((err) => console.warn(`bench: could not drop database ${name}: ${err.message}`));
        await c.end();
      },
    };
  } finally {
    await admin.end();
  }
}
