/**
 * Issue 2, acceptance 4: each hostile input is refused with its documented code
 * (packages/protocol/src/errors.ts). In-process against an RS256 configuration with an audience.
 */
import { ERROR_CODES, isErrorCode } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type InProcess } from './support/app.ts';
import { API_KEY, SECRET } from './support/server.ts';
import { hsToken, noneToken, rsaKeys, rsToken, type RsaKeys } from './support/tokens.ts';

const AUD = 'herald-sec';
let keys: RsaKeys;
let h: InProcess;

beforeAll(async () => {
  keys = await rsaKeys();
  h = await buildApp({ jwt: { alg: 'RS256', publicKey: keys.publicPem, audience: AUD }, limits: { bodyLimit: 16_384 } });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function expectCode(res: { statusCode: number; json(): any }, code: keyof typeof ERROR_CODES) {
  expect(res.statusCode).toBe(ERROR_CODES[code].status);
  const body = res.json();
  expect(isErrorCode(body.error.code)).toBe(true);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
}
const asUser = (token: string) => h.herald.app.inject({ method: 'GET', url: '/v1/inbox/counts', headers: { authorization: `Bearer ${token}` } });
const publish = (payload: unknown, url = '/v1/notifications') =>
  h.herald.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, payload: payload as string });

describe('issue 2 acceptance 4: security unit tests', () => {
  it('a valid token and publish are accepted (control)', async () => {
    expect((await asUser(await rsToken(keys.privateKey, { sub: 'alice', aud: AUD }))).statusCode).toBe(200);
    expect((await publish({ recipients: ['alice'], title: 'ok' })).statusCode).toBe(201);
  });

  it('alg=none → 401 invalid_token', async () => {
    await expectCode(await asUser(noneToken({ sub: 'alice', aud: AUD })), 'invalid_token');
  });

  it('HS256 token against an RS256 configuration → 401 invalid_token', async () => {
    await expectCode(await asUser(await hsToken(SECRET, { sub: 'alice', aud: AUD })), 'invalid_token');
  });

  it('expired token → 401 token_expired', async () => {
    await expectCode(await asUser(await rsToken(keys.privateKey, { sub: 'alice', aud: AUD, expIn: -3600 })), 'token_expired');
  });

  it('wrong audience → 401 invalid_token', async () => {
    await expectCode(await asUser(await rsToken(keys.privateKey, { sub: 'alice', aud: 'someone-else' })), 'invalid_token');
  });

  it('CR/LF in an event name → 400 invalid_event_name', async () => {
    await expectCode(await publish({ event: 'x\r\ndata: injected', data: 1 }, '/v1/topics/news/events'), 'invalid_event_name');
  });

  it('oversize body → 413 body_too_large', async () => {
    await expectCode(await publish(JSON.stringify({ recipients: ['a'], title: 'x'.repeat(20_000) })), 'body_too_large');
  });

  it('1001 recipients → 400 too_many_recipients, and nothing is stored', async () => {
    const recipients = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    await expectCode(await publish({ recipients, title: 'too many' }), 'too_many_recipients');
    const u0 = await h.hub.counts('u0');
    expect(u0.total).toBe(0);
  });
});
