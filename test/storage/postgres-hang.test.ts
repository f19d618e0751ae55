/**
 * A Postgres that hangs: connected, never answering, nothing closed (a network partition that
 * drops packets, a paused server). Every store call must give up within the query deadline with
 * 503 `unavailable`, `/readyz` must fail, and both must recover once Postgres answers again. A
 * loopback proxy that freezes stands between the store and the shared test server.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createReadiness } from '../../packages/server/src/cli/readiness.ts';
import { StoreUnavailableError } from '../../packages/server/src/store/errors.ts';
import { TestSchemas, postgresReachable, PG_URL } from '../../packages/server/src/store/fixtures/postgres-schemas.ts';
import { createPostgresStore } from '../../packages/server/src/store/postgres-store.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { startFreezingProxy } from '../support/freezing-proxy.ts';
import { missing } from '../support/requires.ts';

const skip = missing({ postgres: await postgresReachable() });
const schemas = new TestSchemas();
afterAll(() => schemas.dropAll());

/** What `p` settled to, or 'hung' if it did not settle within `ms`. */
async function within<T>(ms: number, p: Promise<T>): Promise<T | Error | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  try {
    return await Promise.race([p.catch((e: unknown) => e as Error), hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(skip)('a Postgres that hangs', () => {
  it('writes and reads give up within the query deadline with 503 unavailable, /readyz fails, and both recover when it answers again', async () => {
    const { schema } = await schemas.create();
    const target = new URL(PG_URL);
    const p = await startFreezingProxy(Number(target.port || 5432), target.hostname);
    const url = new URL(PG_URL);
    url.port = String(p.port);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const store = await createPostgresStore({ url: url.toString(), queryTimeoutMs: 500, connectTimeoutMs: 500 });
    const ready = createReadiness({ store, bus: { healthy: () => true } });
    const note = (id: string) => ({ id, recipient: 'ann', title: id, severity: 'info' as const });
    try {
      await store.publish([note('before')], Date.now());
      p.freeze();
      // 10× the deadline: a loaded machine is slow, but a hang never settles at all.
      const write = await within(5000, store.publish([note('during')], Date.now()));
      expect(write).toBeInstanceOf(StoreUnavailableError);
      expect(write).toMatchObject({ code: 'unavailable', status: 503, retryAfter: 1 });
      const read = await within(5000, store.listInbox('ann', { status: 'all', limit: 10 }, Date.now()));
      expect(read).toBeInstanceOf(StoreUnavailableError);
      expect(await within(5000, ready())).toMatchObject({ ok: false, checks: { store: false } });
      p.thaw();
      await waitFor('Postgres to answer again', async () => (await ready()).ok);
      await store.publish([note('after')], Date.now());
      // The publish that gave up was never committed: only its BEGIN reached Postgres.
      const inbox = await store.listInbox('ann', { status: 'all', limit: 10 }, Date.now());
      expect(inbox.map((n) => n.id).sort()).toEqual(['after', 'before']);
    } finally {
      await store.close();
      await p.close();
    }
  }, 60_000);
});
