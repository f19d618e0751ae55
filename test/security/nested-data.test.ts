/**
 * Deeply nested `data`: JSON that is small in bytes but deep enough to overflow a recursive
 * walker (JSON.stringify, a driver's encoder, Postgres's jsonb parser) is refused with 400 before
 * any of them sees it, on every store; `data` up to the documented depth still goes through.
 */
import { MAX_DATA_DEPTH } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type InProcess } from './support/app.ts';
import { call } from './support/http.ts';
import { API_KEY, SECRET } from './support/server.ts';
import { storeKinds } from './support/store-kinds.ts';
import { hsToken } from './support/tokens.ts';

const pub = { authorization: `Bearer ${API_KEY}` };
const BODY_LIMIT = 65_536;

/** `levels` nested objects (`{"a":{"a":…1}}`) or arrays (`[[…1]]`), as JSON text. */
function nested(levels: number, kind: 'object' | 'array'): string {
  return kind === 'object' ? '{"a":'.repeat(levels) + '1' + '}'.repeat(levels) : '['.repeat(levels) + '1' + ']'.repeat(levels);
}
/** A notification's `data` must be an object: arrays go one level below it. */
const notification = (data: string) => `{"recipients":["alice"],"title":"deep","data":${data.startsWith('[') ? `{"a":${data}}` : data}}`;
const topicEvent = (data: string) => `{"data":${data}}`;

for (const kind of await storeKinds()) {
  describe.skipIf(kind.skip)(`deeply nested data, on the ${kind.name} store`, () => {
    let h: InProcess;
    beforeAll(async () => {
      h = await buildApp({ store: await kind.create(), limits: { bodyLimit: BODY_LIMIT, maxDataBytes: BODY_LIMIT } });
      await h.listen();
    });
    afterAll(async () => {
      await h?.close();
      await kind.cleanup();
    });

    const post = (path: string, body: string) => call(h.url, path, { headers: pub, body });
    const deepest = Math.floor((BODY_LIMIT - 100) / 2);
    const cases: [string, string, string][] = [
      ['2,000 nested objects in a notification', '/v1/notifications', notification(nested(2000, 'object'))],
      ['3,300 nested arrays in a notification', '/v1/notifications', notification(nested(3300 - 1, 'array'))],
      [`${deepest} nested arrays (the body limit) in a notification`, '/v1/notifications', notification(nested(deepest - 1, 'array'))],
      ['2,000 nested objects in a topic event', '/v1/topics/news/events', topicEvent(nested(2000, 'object'))],
      ['3,300 nested arrays in a topic event', '/v1/topics/news/events', topicEvent(nested(3300, 'array'))],
      [`${deepest} nested arrays (the body limit) in a topic event`, '/v1/topics/news/events', topicEvent(nested(deepest, 'array'))],
      [`data one level deeper than ${MAX_DATA_DEPTH}`, '/v1/notifications', notification(nested(MAX_DATA_DEPTH, 'array'))],
    ];
    for (const [name, path, body] of cases) {
      it(`${name} is refused with 400 invalid_body, not a 500`, async () => {
        expect(body.length).toBeLessThan(BODY_LIMIT);
        const r = await post(path, body);
        expect({ status: r.status, code: r.json?.error?.code }).toEqual({ status: 400, code: 'invalid_body' });
        expect(r.json.error.message).toContain(String(MAX_DATA_DEPTH));
      });
    }

    it(`data nested exactly ${MAX_DATA_DEPTH} levels is accepted and kept`, async () => {
      const sent = [nested(MAX_DATA_DEPTH, 'object'), `{"a":${nested(MAX_DATA_DEPTH - 1, 'array')}}`];
      for (const data of sent) expect((await post('/v1/notifications', notification(data))).status).toBe(201);
      expect((await post('/v1/topics/news/events', topicEvent(nested(MAX_DATA_DEPTH, 'array')))).status).toBe(202);
      const alice = { authorization: `Bearer ${await hsToken(SECRET, { sub: 'alice' })}` };
      const inbox = await call(h.url, '/v1/inbox?limit=100', { headers: alice });
      const kept = inbox.json.items.filter((n: { title: string }) => n.title === 'deep').map((n: { data: unknown }) => n.data);
      expect(kept).toEqual(sent.reverse().map((d) => JSON.parse(d)));
    });
  });
}
