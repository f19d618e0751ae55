/** Ops endpoints, in-process: health, readiness, metrics on and off, the OpenAPI spec. */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, TEST_KEY } from '../support/test-app.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('ops endpoints', () => {
  it('serves Prometheus metrics with the hub counters, and not at all when disabled', async () => {
    const on = await createTestApp();
    close = on.close;
    await on.app.inject({ method: 'POST', url: '/v1/notifications', headers: { authorization: `Bearer ${TEST_KEY}` }, payload: { recipients: ['a', 'b'], title: 't' } });
    const res = await on.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^herald_notifications_published_total 2$/m);
    expect(res.body).toMatch(/^herald_connections 0$/m);
    await on.close();
    const off = await createTestApp({ metrics: false });
    close = off.close;
    expect((await off.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });

  it('answers readiness from the checks, and reports health', async () => {
    const t = await createTestApp({ ready: async () => ({ ok: false, checks: { store: true, bus: false } }) });
    close = t.close;
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ ok: false, checks: { bus: false } });
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
  });

  it('publishes an OpenAPI 3 spec with the v1 routes', async () => {
    const t = await createTestApp();
    close = t.close;
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/notifications', '/v1/stream', '/v1/inbox', '/v1/topics/{topic}/events']));
  });
});
