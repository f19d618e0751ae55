/** How request bodies are read: JSON in UTF-8 only, in-process through the real app. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaresUtf8 } from '../../packages/server/src/http/charset.ts';
import { createTestApp, TEST_KEY } from '../support/test-app.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

// 'é' in Latin-1 is the single byte 0xE9: read as UTF-8 it would become U+FFFD.
const latin1Body = Buffer.from('{"recipients":["ann"],"title":"caf\xe9"}', 'latin1');

function publish(contentType: string, payload: Buffer | string = '{"recipients":["ann"],"title":"t"}') {
  return t.app.inject({ method: 'POST', url: '/v1/notifications', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': contentType }, payload });
}

describe('the charset of a JSON body', () => {
  it('a JSON body declared in a charset other than UTF-8 is refused with 415', async () => {
    for (const type of ['application/json; charset=latin1', 'application/json; charset=ISO-8859-1', 'application/json;charset="latin1"', 'application/json; charset=utf-16', 'application/json; charset=utf-8; charset=latin1']) {
      const res = await publish(type, latin1Body);
      expect(res.statusCode, type).toBe(415);
      expect(res.json(), type).toMatchObject({ error: { code: 'unsupported_media_type' } });
    }
    // Nothing was stored: the inbox of the recipient is empty.
    const counts = await t.app.inject({ method: 'GET', url: '/v1/inbox/counts', headers: { authorization: `Bearer ${await t.token('ann')}` } });
    expect(counts.json()).toMatchObject({ total: 0 });
  });

  it('a JSON body with no charset, or UTF-8 in any spelling, is accepted', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json; charset="utf-8"', 'application/json;charset=utf8']) {
      expect((await publish(type)).statusCode, type).toBe(201);
    }
  });

  it('reads the charset parameter case-insensitively, quoted or not', () => {
    expect(declaresUtf8(undefined)).toBe(true);
    expect(declaresUtf8('application/json')).toBe(true);
    expect(declaresUtf8('application/json; CHARSET="UTF-8"')).toBe(true);
    expect(declaresUtf8('application/json; boundary=x; charset= utf-8 ')).toBe(true);
    expect(declaresUtf8('application/json; charset=latin1')).toBe(false);
    expect(declaresUtf8('application/json; charset=""')).toBe(false);
    expect(declaresUtf8('application/json; charset="utf-8"; charset=us-ascii')).toBe(false);
  });
});
