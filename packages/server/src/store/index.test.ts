import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '../../../../test/support/requires.ts';
import { T0, note } from './contract/index.ts';
import { PG_URL, TestSchemas, postgresReachable } from './fixtures/postgres-schemas.ts';
import { createStore } from './index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'herald-store-'));
  dirs.push(d);
  return path.join(d, 'nested', 'data');
};

describe('createStore', () => {
  it('defaults to the SQLite file <dataDir>/herald.db, creating the dir', async () => {
    const dataDir = tempDir();
    const store = await createStore({ dataDir });
    await store.publish([note('alice')], T0);
    await store.close();
    expect(existsSync(path.join(dataDir, 'herald.db'))).toBe(true);
    const again = await createStore({ dataDir, databaseUrl: '' });
    expect(await again.userPosition('alice')).toEqual({ last: 1, trimmed: 0 });
    await again.close();
  });

  it('memory: keeps nothing on disk', async () => {
    const dataDir = tempDir();
    const store = await createStore({ dataDir, databaseUrl: 'memory:' });
    await store.publish([note('alice')], T0);
    expect(await store.userPosition('alice')).toEqual({ last: 1, trimmed: 0 });
    await store.close();
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses an unknown scheme at start-up', async () => {
    await expect(createStore({ dataDir: tempDir(), databaseUrl: 'mysql://x@y/z' })).rejects.toThrow(/postgres:\/\//);
  });
});

const skip = missing({ postgres: await postgresReachable() });
describe.skipIf(skip)('createStore with Postgres', () => {
  const schemas = new TestSchemas();
  afterEach(() => schemas.dropAll());

  it('postgres:// and postgresql:// select Postgres', async () => {
    const { schema } = await schemas.create();
    for (const scheme of ['postgres', 'postgresql']) {
      const url = new URL(PG_URL.replace(/^postgres(ql)?:/, `${scheme}:`));
      url.searchParams.set('options', `-c search_path=${schema}`);
      const store = await createStore({ dataDir: tempDir(), databaseUrl: url.toString() });
      try {
        await store.appendTopicEvent('t', 'e', '1', T0);
      } finally {
        await store.close();
      }
    }
    const { pool } = await schemas.create();
    // Both stores wrote to the one schema: the second append got seq 2.
    const probe = await pool.query(`SELECT COUNT(*)::int AS n FROM ${schema}.topic_events`);
    expect(probe.rows[0].n).toBe(2);
  });
});
