/**
 * Postgres lost while Herald runs: writes answer 503 `unavailable` with `Retry-After`, `/readyz`
 * fails with `unreachable`, and both recover when Postgres is back. Postgres is "lost" by
 * closing a loopback TCP proxy in front of it, so the shared test server stays up.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createReadiness } from '../../packages/server/src/cli/readiness.ts';
import { TestSchemas, postgresReachable, PG_URL } from '../../packages/server/src/store/fixtures/postgres-schemas.ts';
import { createPostgresStore } from '../../packages/server/src/store/postgres-store.ts';
import { StoreUnavailableError } from '../../packages/server/src/store/errors.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { missing } from '../support/requires.ts';
import { proxy } from './support/pg-proxy.ts';

const skip = missing({ postgres: await postgresReachable() });
const schemas = new TestSchemas();

afterAll(() => schemas.dropAll());

describe.skipIf(skip)('postgres lost while running', () => {
  it('writes answer 503 unavailable with Retry-After and /readyz fails with unreachable, until Postgres is back', async () => {
    const { schema } = await schemas.create();
    const target = new URL(PG_URL);
    const p = await proxy(target);
    const url = new URL(PG_URL);
    url.port = String(p.port);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const store = await createPostgresStore({ url: url.toString(), connectTimeoutMs: 500 });
    const ready = createReadiness({ store, bus: { healthy: () => true } });
    const note = (id: string) => ({ id, recipient: 'ann', title: id, severity: 'info' as const });
    try {
      await store.publish([note('before')], Date.now());
      expect((await ready()).ok).toBe(true);
      await p.cut();
      const err = await store.publish([note('during')], Date.now()).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(err).toMatchObject({ code: 'unavailable', status: 503, retryAfter: 1, fault: 'unreachable' });
      expect(await ready()).toMatchObject({ ok: false, checks: { store: false }, reasons: { store: 'unreachable' } });
      await p.restore();
      await waitFor('Postgres to be reachable again', async () => (await ready()).ok);
      await store.publish([note('after')], Date.now());
      const inbox = await store.listInbox('ann', { status: 'all', limit: 10 }, Date.now());
      expect(inbox.map((n) => n.id).sort()).toEqual(['after', 'before']);
    } finally {
      await store.close();
      p.close();
    }
  });
});
