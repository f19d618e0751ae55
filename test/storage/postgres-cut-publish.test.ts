/**
 * Every Postgres connection cut (a failover, a network drop) while multi-recipient publishes are
 * in flight: each publish is in every recipient's inbox or in none, every one that resolved is
 * there, and every one refused was refused with `unavailable` (never a 500, never a hang). A
 * publish whose COMMIT was on the wire when the cut came may be kept although refused (README).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../packages/server/src/store/errors.ts';
import { PG_URL, TestSchemas, postgresReachable, schemaPool } from '../../packages/server/src/store/fixtures/postgres-schemas.ts';
import { createPostgresStore } from '../../packages/server/src/store/postgres-store.ts';
import { sleep } from '../e2e/support/wait.ts';
import { missing } from '../support/requires.ts';
import { proxy } from './support/pg-proxy.ts';

const skip = missing({ postgres: await postgresReachable() });
const schemas = new TestSchemas();
afterAll(() => schemas.dropAll());

const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const PUBLISHES = 200;

describe.skipIf(skip)('postgres connections cut during multi-recipient publishes', () => {
  it('each publish lands for all its recipients or for none, and every acknowledged one is kept', { timeout: 60_000 }, async () => {
    const { schema } = await schemas.create();
    const p = await proxy(new URL(PG_URL));
    const url = new URL(PG_URL);
    url.port = String(p.port);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const store = await createPostgresStore({ url: url.toString(), connectTimeoutMs: 500, max: 8 });
    const outcomes: ('ok' | 'refused')[] = [];
    const other: unknown[] = [];
    try {
      const publishing = Array.from({ length: PUBLISHES }, async (_, i) => {
        await sleep(i * 1.5);
        const items = USERS.map((u) => ({ id: `p${i}-${u}`, recipient: u, title: `p${i}`, severity: 'info' as const }));
        try {
          await store.publish(items, Date.now());
          outcomes[i] = 'ok';
        } catch (err) {
          outcomes[i] = 'refused';
          if (!(err instanceof StoreUnavailableError)) other.push(err);
        }
      });
      await sleep(40);
      await p.cut();
      await sleep(100);
      await p.restore();
      await Promise.all(publishing);
    } finally {
      await store.close();
      p.close();
    }
    expect(other).toEqual([]);
    expect(outcomes.filter((o) => o === 'refused').length).toBeGreaterThan(0);

    const direct = schemaPool(schema, 1);
    try {
      const r = await direct.query<{ title: string; n: string }>('SELECT title, COUNT(*) AS n FROM notifications GROUP BY title');
      const kept = new Map(r.rows.map((row) => [row.title, Number(row.n)]));
      for (const [title, n] of kept) expect(n, `${title}: all recipients or none`).toBe(USERS.length);
      outcomes.forEach((o, i) => {
        if (o === 'ok') expect(kept.has(`p${i}`), `acknowledged p${i}`).toBe(true);
      });
      // Sequences stay gap-free per user whatever was refused.
      const seqs = await direct.query<{ recipient: string; n: string; max: string }>('SELECT recipient, COUNT(*) AS n, MAX(seq) AS max FROM notifications GROUP BY recipient');
      for (const row of seqs.rows) expect(Number(row.max), row.recipient).toBe(Number(row.n));
      console.log(`[cut] ${outcomes.filter((o) => o === 'ok').length} acknowledged, ${outcomes.filter((o) => o === 'refused').length} refused, ${kept.size} kept`);
    } finally {
      await direct.end();
    }
  });
});
