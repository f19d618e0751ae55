/**
 * Text a store cannot keep as sent: NUL (Postgres refuses it in text and jsonb) and unpaired
 * UTF-16 surrogates (UTF-8 cannot encode them; drivers substitute U+FFFD, which merges distinct
 * ids). One rule refuses both before any store sees them, so the same table gives the same
 * answer on the memory, SQLite and Postgres stores; valid astral text round-trips exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InProcess } from './support/app.ts';
import { call, openStream, type Reply } from './support/http.ts';
import { API_KEY, SECRET } from './support/server.ts';
import { storeKinds, useAppOn } from './support/store-kinds.ts';
import { hsToken } from './support/tokens.ts';

const BAD: Record<string, string> = {
  NUL: 'a\u0000b',
  'a lone high surrogate': 'a\ud800b',
  'a lone low surrogate': 'a\udc00b',
  'a reversed surrogate pair': 'a\ude00\ud83db',
};
/** A percent-escape of UTF-8 cannot carry a surrogate, so query and path rows try NUL only. */
const NUL_ONLY = ['NUL'];

const pub = { authorization: `Bearer ${API_KEY}` };
const user = async (sub = 'alice') => ({ authorization: `Bearer ${await hsToken(SECRET, { sub, topics: ['news', 'orders.*'] })}` });
const note = (extra: Record<string, unknown>) => ({ recipients: ['alice'], title: 'hello', ...extra });

interface Row {
  field: string;
  send(h: InProcess, bad: string): Promise<Reply>;
  kinds?: string[];
  /** Default 400 invalid_text. */
  expected?: { status: number; code: string };
}

const q = (bad: string) => encodeURIComponent(bad);
/** A stream request resolves at its response head: an accepted stream is closed at once. */
async function stream(h: InProcess, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  const s = await openStream(h.url, path, { headers, timeoutMs: 5000 });
  s.close();
  return { status: s.status, headers: s.headers, text: '', json: s.json };
}
const publish = (h: InProcess, body: unknown) => call(h.url, '/v1/notifications', { headers: pub, body });
const topicEvent = (h: InProcess, body: unknown, topic = 'news') => call(h.url, `/v1/topics/${topic}/events`, { headers: pub, body });

const ROWS: Row[] = [
  { field: 'title', send: (h, b) => publish(h, note({ title: b })) },
  { field: 'body', send: (h, b) => publish(h, note({ body: b })) },
  { field: 'category', send: (h, b) => publish(h, note({ category: b })) },
  { field: 'url', send: (h, b) => publish(h, note({ url: b })) },
  { field: 'dedupeKey', send: (h, b) => publish(h, note({ dedupeKey: b })) },
  { field: 'expiresAt', send: (h, b) => publish(h, note({ expiresAt: `2030-01-01T00:00:00Z${b}` })) },
  { field: 'a recipient', send: (h, b) => publish(h, note({ recipients: ['alice', `bob${b}`] })) },
  { field: 'a data value', send: (h, b) => publish(h, note({ data: { k: b } })) },
  { field: 'a data key', send: (h, b) => publish(h, note({ data: { [b]: 1 } })) },
  { field: 'a nested data value', send: (h, b) => publish(h, note({ data: { a: [1, { b: ['x', b] }] } })) },
  { field: 'a nested data key', send: (h, b) => publish(h, note({ data: { a: [{ [b]: true }] } })) },
  { field: 'a topic event name', send: (h, b) => topicEvent(h, { event: `e${b}`, data: 1 }) },
  { field: 'a topic event data value', send: (h, b) => topicEvent(h, { data: ['x', { y: b }] }) },
  { field: 'a topic event data key', send: (h, b) => topicEvent(h, { data: { [b]: 1 } }) },
  { field: 'a topic event string data', send: (h, b) => topicEvent(h, { data: b }) },
  { field: 'the topic name', kinds: NUL_ONLY, send: (h, b) => topicEvent(h, { data: 1 }, `news${q(b)}`) },
  { field: 'ids of a state change', send: async (h, b) => call(h.url, '/v1/inbox/read', { headers: await user(), body: { ids: [`n${b}`] } }) },
  { field: 'the inbox category', kinds: NUL_ONLY, send: async (h, b) => call(h.url, `/v1/inbox?category=${q(b)}`, { headers: await user() }) },
  { field: 'the inbox cursor', kinds: NUL_ONLY, send: async (h, b) => call(h.url, `/v1/inbox?cursor=${q(b)}`, { headers: await user() }) },
  { field: 'the inbox status', kinds: NUL_ONLY, send: async (h, b) => call(h.url, `/v1/inbox?status=all${q(b)}`, { headers: await user() }) },
  { field: 'presence users', kinds: NUL_ONLY, send: (h, b) => call(h.url, `/v1/presence?users=alice,${q(b)}`, { headers: pub }) },
  { field: 'stream topics', kinds: NUL_ONLY, send: async (h, b) => stream(h, `/v1/stream?topics=news,${q(b)}`, await user()) },
  { field: 'the stream lastEventId', kinds: NUL_ONLY, send: async (h, b) => stream(h, `/v1/stream?lastEventId=${q(b)}`, await user()) },
  { field: 'the stream ticket', kinds: NUL_ONLY, send: (h, b) => stream(h, `/v1/stream?ticket=${q(b)}`) },
  {
    // Node's HTTP client and parser refuse NUL in a header; inject reaches the check anyway. An
    // accepted stream never ends under inject, so 2 s without an answer counts as accepted.
    field: 'the Last-Event-ID header',
    kinds: NUL_ONLY,
    async send(h, b) {
      const injected = h.herald.app.inject({ method: 'GET', url: '/v1/stream', headers: { ...(await user()), 'last-event-id': b } });
      let timer: NodeJS.Timeout | undefined;
      const accepted = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 2000)));
      const r = await Promise.race([injected, accepted]);
      clearTimeout(timer);
      if (r === null) return { status: 200, headers: {}, text: '', json: undefined };
      return { status: r.statusCode, headers: {}, text: r.body, json: r.json() };
    },
  },
  { field: 'the token sub on the inbox', send: async (h, b) => call(h.url, '/v1/inbox', { headers: await user(`victim${b}`) }), expected: { status: 401, code: 'invalid_token' } },
  { field: 'the token sub on tickets', send: async (h, b) => call(h.url, '/v1/tickets', { method: 'POST', headers: await user(`victim${b}`) }), expected: { status: 401, code: 'invalid_token' } },
  { field: 'the token sub on the stream', send: async (h, b) => stream(h, '/v1/stream', await user(`victim${b}`)), expected: { status: 401, code: 'invalid_token' } },
];

const ASTRAL = '😀𝄞';

for (const kind of await storeKinds()) {
  describe.skipIf(kind.skip)(`text a store cannot keep, on the ${kind.name} store`, () => {
    const app = useAppOn(kind);

    for (const row of ROWS) {
      for (const name of row.kinds ?? Object.keys(BAD)) {
        const expected = row.expected ?? { status: 400, code: 'invalid_text' };
        it(`${name} in ${row.field} is refused with ${expected.status} ${expected.code}`, async () => {
          const r = await row.send(app(), BAD[name]!);
          expect({ status: r.status, code: r.json?.error?.code }).toEqual(expected);
        });
      }
    }

    it('a token whose sub holds a lone surrogate never reads the inbox of the user with U+FFFD there', async () => {
      expect((await publish(app(), note({ recipients: ['victim\ufffd'], title: 'private' }))).status).toBe(201);
      const r = await call(app().url, '/v1/inbox', { headers: await user('victim\ud800') });
      expect(r.status).toBe(401);
      expect(r.text).not.toContain('private');
    });

    it('two dedupeKeys that differ only in a lone surrogate neither collide nor fail a retry', async () => {
      for (const key of ['k\ud800', 'k\udbff', 'k\ud800']) {
        const r = await publish(app(), note({ dedupeKey: key }));
        expect({ status: r.status, code: r.json?.error?.code }).toEqual({ status: 400, code: 'invalid_text' });
      }
    });

    describe('valid astral text', () => {
      const streams: { close(): void }[] = [];
      afterEach(() => {
        for (const s of streams.splice(0)) s.close();
      });

      it('round-trips exactly through publish, inbox, live stream and replay', async () => {
        const sub = `astral-${ASTRAL}-${kind.name}`;
        const headers = await user(sub);
        const first = await openStream(app().url, '/v1/stream?topics=news', { headers });
        streams.push(first);
        expect(first.status).toBe(200);
        const ready = await first.waitFor((e) => e.event === 'ready');

        const sent = {
          recipients: [sub],
          title: `title ${ASTRAL}`,
          body: `body ${ASTRAL}\nline two`,
          category: `cat${ASTRAL}`,
          url: `https://example.com/${ASTRAL}`,
          dedupeKey: `key${ASTRAL}`,
          data: { [`k${ASTRAL}`]: [ASTRAL, { [ASTRAL]: `v${ASTRAL}` }] },
        };
        const published = await publish(app(), sent);
        expect(published.status).toBe(201);
        const topicData = { [ASTRAL]: [`x${ASTRAL}`] };
        expect((await topicEvent(app(), { event: `ev.${kind.name}`, data: topicData })).status).toBe(202);

        const { recipients: _r, dedupeKey: _d, ...shown } = sent;
        const live = JSON.parse((await first.waitFor((e) => e.event === 'notification')).data);
        expect(live).toMatchObject({ ...shown, recipient: sub });
        const liveTopic = await first.waitFor((e) => e.event === `ev.${kind.name}`);
        expect(JSON.parse(liveTopic.data)).toMatchObject({ topic: 'news', data: topicData });

        const inbox = await call(app().url, `/v1/inbox?category=${encodeURIComponent(sent.category)}`, { headers });
        expect(inbox.status).toBe(200);
        expect(inbox.json.items).toHaveLength(1);
        expect(inbox.json.items[0]).toMatchObject({ ...shown, recipient: sub });

        const replay = await openStream(app().url, '/v1/stream?topics=news', { headers: { ...headers, 'last-event-id': ready.id! } });
        streams.push(replay);
        const replayed = await replay.waitFor((e) => e.event === 'notification');
        expect(replayed.data).toBe((await first.waitFor((e) => e.event === 'notification')).data);
        expect((await replay.waitFor((e) => e.event === `ev.${kind.name}`)).data).toBe(liveTopic.data);

        const again = await publish(app(), sent);
        expect(again.json).toEqual(published.json);
      });
    });
  });
}
