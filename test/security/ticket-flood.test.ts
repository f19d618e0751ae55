/**
 * Tickets are stored (as hashes, with the user and the token's topics) until they are redeemed
 * or expire. Without a limit, one signed-in user asking for tickets in a loop filled a SQLite
 * file at about 20 MB a second (2,400 tickets a second of a token with 256 topics), for as long
 * as their token lasted: storage that one stranger grows for everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type InProcess } from './support/app.ts';
import { SECRET } from './support/server.ts';
import { hsToken } from './support/tokens.ts';

/** More than any browser asks for: a user's 20 streams all reconnecting at once, many times over. */
const ATTEMPTS = 300;

describe('ticket flood', () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await buildApp();
  });
  afterAll(async () => {
    await h?.close();
  });

  const ticket = async (sub: string) =>
    h.herald.app.inject({ method: 'POST', url: '/v1/tickets', headers: { authorization: `Bearer ${await hsToken(SECRET, { sub })}` } });

  it('one user asking for tickets in a loop gets 429 rate_limited with Retry-After, and another user still gets tickets', async () => {
    const replies = [];
    for (let i = 0; i < ATTEMPTS; i++) replies.push(await ticket('mallory'));
    const issued = replies.filter((r) => r.statusCode === 200).length;
    const limited = replies.filter((r) => r.statusCode === 429);
    // Enough for every stream of a user (20 by default) to reconnect at once.
    expect(issued).toBeGreaterThanOrEqual(20);
    expect(limited.length).toBeGreaterThan(0);
    expect(issued + limited.length).toBe(ATTEMPTS);
    expect(limited[0]!.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    expect((await ticket('alice')).statusCode).toBe(200);
  });
});
