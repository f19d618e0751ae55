import Fastify from 'fastify';
import { MAX_DATA_DEPTH } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { errorHandler } from './error-handler.ts';
import { refuseUnstorableInput } from './storable-input.ts';

/** An app with the gate and one route that knows nothing about text: what a new route looks like. */
async function appWithNewRoute() {
  const app = Fastify();
  app.setErrorHandler(errorHandler);
  refuseUnstorableInput(app);
  let reached = 0;
  app.post('/new/:name', async () => ({ reached: ++reached }));
  await app.ready();
  return { app, reached: () => reached };
}

describe('the text gate', () => {
  it('covers a route added later, which has no check of its own, in its body, query, path and Last-Event-ID', async () => {
    const { app, reached } = await appWithNewRoute();
    const cases = [
      { url: '/new/x', payload: { deep: [{ ['k\ud800']: 1 }] }, where: 'deep[0].k\\ud800 (key)' },
      { url: '/new/x', payload: { text: 'a\u0000' }, where: 'text' },
      { url: '/new/x?q=%00', payload: {}, where: 'query parameter q' },
      { url: '/new/a%00b', payload: {}, where: 'path parameter name' },
      { url: '/new/x', payload: {}, headers: { 'last-event-id': 'a\u0000' }, where: 'Last-Event-ID' },
    ];
    for (const c of cases) {
      const r = await app.inject({ method: 'POST', url: c.url, payload: c.payload, headers: c.headers });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('invalid_text');
      expect(r.json().error.message).toContain(c.where);
    }
    expect(reached()).toBe(0);
    const ok = await app.inject({ method: 'POST', url: '/new/😀?q=%F0%9F%98%80', payload: { '😀': ['𝄞'] } });
    expect(ok.statusCode).toBe(200);
    expect(reached()).toBe(1);
    await app.close();
  });

  it('refuses a body nested past the data depth with invalid_body naming the limit', async () => {
    const { app } = await appWithNewRoute();
    const body = `{"data":${'['.repeat(MAX_DATA_DEPTH + 1)}${']'.repeat(MAX_DATA_DEPTH + 1)}}`;
    const r = await app.inject({ method: 'POST', url: '/new/x', payload: body, headers: { 'content-type': 'application/json' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_body', message: expect.stringContaining(`${MAX_DATA_DEPTH} levels`) });
    const fits = `{"data":${'['.repeat(MAX_DATA_DEPTH)}${']'.repeat(MAX_DATA_DEPTH)}}`;
    expect((await app.inject({ method: 'POST', url: '/new/x', payload: fits, headers: { 'content-type': 'application/json' } })).statusCode).toBe(200);
    await app.close();
  });
});
