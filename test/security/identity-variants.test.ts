/**
 * User ids are compared exactly, byte for byte, on every store: ids that a person would read as
 * the same (case, Unicode normalization, a trailing space, a BOM, a zero-width or full-width
 * character) are distinct users, so two different `sub`s never share an inbox. Postgres and
 * SQLite could each fold some of them (a case-insensitive or non-deterministic collation, a
 * `char(n)` column that ignores trailing spaces); this table pins that none does.
 */
import { describe, expect, it } from 'vitest';
import { call } from './support/http.ts';
import { API_KEY, SECRET } from './support/server.ts';
import { storeKinds, useAppOn } from './support/store-kinds.ts';
import { hsToken } from './support/tokens.ts';

const LOOKALIKES = [
  'alice',
  'Alice',
  'ALICE',
  'alice ',
  ' alice',
  '\u00e9', // é, NFC
  'e\u0301', // é, NFD
  '\ufeffalice',
  'alice\u200b',
  '\uff41lice', // full-width a
  'alice\u2028',
  'K',
  '\u212a', // Kelvin sign: NFKC and case folding make it K
];

for (const kind of await storeKinds()) {
  describe.skipIf(kind.skip)(`user ids on the ${kind.name} store`, () => {
    const app = useAppOn(kind);

    it('ids that differ only by case, normalization, spaces or invisible characters never share an inbox', async () => {
      for (const [i, user] of LOOKALIKES.entries()) {
        const r = await call(app().url, '/v1/notifications', { headers: { authorization: `Bearer ${API_KEY}` }, body: { recipients: [user], title: `for ${i}` } });
        expect(r.status).toBe(201);
      }
      const seen: Record<string, unknown> = {};
      for (const user of LOOKALIKES) {
        const r = await call(app().url, '/v1/inbox', { headers: { authorization: `Bearer ${await hsToken(SECRET, { sub: user })}` } });
        seen[JSON.stringify(user)] = r.json?.items?.map((n: { title: string; recipient: string }) => [n.title, n.recipient === user]);
        expect(r.status, `inbox of ${JSON.stringify(user)}`).toBe(200);
      }
      expect(seen).toEqual(Object.fromEntries(LOOKALIKES.map((u, i) => [JSON.stringify(u), [[`for ${i}`, true]]])));
    });
  });
}
