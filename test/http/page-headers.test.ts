/** The HTML pages cannot be framed by another site, and no response may be sniffed as another type. */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, TEST_KEY } from '../support/test-app.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('page headers', () => {
  it.each(['/admin', '/'])('%s cannot be framed by another site and sends no referrer', async (url) => {
    const t = await createTestApp({ demo: { signToken: async () => 'x' } });
    close = t.close;
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('JSON answers and errors are never sniffed as another type', async () => {
    const t = await createTestApp();
    close = t.close;
    const ok = await t.app.inject({ method: 'GET', url: '/v1/stats', headers: { authorization: `Bearer ${TEST_KEY}` } });
    const refused = await t.app.inject({ method: 'GET', url: '/v1/inbox' });
    const missing = await t.app.inject({ method: 'GET', url: '/nowhere' });
    expect([ok.statusCode, refused.statusCode, missing.statusCode]).toEqual([200, 401, 404]);
    for (const res of [ok, refused, missing]) expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
