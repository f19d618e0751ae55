/**
 * Topic names up to 200 characters are valid wherever a topic appears (the path of a topic
 * event, the stream's `topics`); a longer one is `invalid_topic` in both places, never the
 * router's generic `bad_request`, however long the path gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type InProcess } from './support/app.ts';
import { call, openStream } from './support/http.ts';
import { API_KEY, SECRET } from './support/server.ts';
import { hsToken } from './support/tokens.ts';

let h: InProcess;
beforeAll(async () => {
  h = await buildApp();
  await h.listen();
});
afterAll(async () => {
  await h?.close();
});

/** A valid topic of exactly `n` characters: dot-separated segments. */
const topicOf = (n: number) => `${'abcdefghi.'.repeat(Math.ceil(n / 10))}`.slice(0, n - 1) + 'z';
const publish = (topic: string) => call(h.url, `/v1/topics/${topic}/events`, { headers: { authorization: `Bearer ${API_KEY}` }, body: { data: 1 } });

describe('topic name length', () => {
  it('a topic of 101 to 200 characters can be published to and subscribed', async () => {
    for (const n of [101, 150, 200]) {
      const topic = topicOf(n);
      expect(topic).toHaveLength(n);
      expect((await publish(topic)).status).toBe(202);
      const token = await hsToken(SECRET, { sub: 'reader', topics: [topic] });
      const s = await openStream(h.url, `/v1/stream?topics=${topic}`, { headers: { authorization: `Bearer ${token}` } });
      s.close();
      expect(s.status).toBe(200);
    }
  });

  it('an over-long topic is invalid_topic, on the publish path and in the stream query alike', async () => {
    const token = await hsToken(SECRET, { sub: 'reader', topics: ['**'] });
    for (const n of [201, 1000, 8000]) {
      const topic = topicOf(n);
      const r = await publish(topic);
      expect({ n, status: r.status, code: r.json?.error?.code }).toEqual({ n, status: 400, code: 'invalid_topic' });
      if (n > 8192) continue;
      const s = await openStream(h.url, `/v1/stream?topics=${topic}`, { headers: { authorization: `Bearer ${token}` } });
      s.close();
      expect({ n, status: s.status, code: s.json?.error?.code }).toEqual({ n, status: 400, code: 'invalid_topic' });
    }
  });
});
