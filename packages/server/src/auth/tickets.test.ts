import { describe, expect, it } from 'vitest';
import type { TicketRecord } from '../store/store.ts';
import { createTicketIssuer, hashTicket } from './tickets.ts';
import { code } from './fixtures/error-code.ts';

/** A two-method fake of the Store's ticket table, with the same take-once semantics. */
function ticketStore() {
  const rows = new Map<string, TicketRecord>();
  return {
    rows,
    async saveTicket(hash: string, t: TicketRecord) {
      rows.set(hash, t);
    },
    async takeTicket(hash: string, now: number) {
      const t = rows.get(hash) ?? null;
      rows.delete(hash);
      return t !== null && t.expiresAt > now ? t : null;
    },
  };
}


const T0 = 1_700_000_000_000;
const alice = { user: 'alice', topics: ['orders.*'], expiresAt: T0 + 3_600_000 };

describe('tickets', () => {
  it('issues a 256-bit ticket stored only as its hash, redeemable once', async () => {
    const store = ticketStore();
    let now = T0;
    const issuer = createTicketIssuer({ store, ttlMs: 30_000, clock: () => now });
    const { ticket, expiresIn } = await issuer.issue(alice);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresIn).toBe(30);
    expect([...store.rows.keys()]).toEqual([hashTicket(ticket)]);
    expect(JSON.stringify([...store.rows])).not.toContain(ticket);
    now += 1000;
    expect(await issuer.redeem(ticket)).toEqual(alice);
    expect(await code(issuer.redeem(ticket))).toBe('invalid_ticket');
  });

  it('refuses an expired ticket', async () => {
    let now = T0;
    const issuer = createTicketIssuer({ store: ticketStore(), ttlMs: 10_000, clock: () => now });
    const { ticket } = await issuer.issue(alice);
    now += 10_000;
    expect(await code(issuer.redeem(ticket))).toBe('invalid_ticket');
  });

  it('never outlives the token that bought it', async () => {
    let now = T0;
    const issuer = createTicketIssuer({ store: ticketStore(), ttlMs: 60_000, clock: () => now });
    const short = { ...alice, expiresAt: T0 + 5_000 };
    const { ticket, expiresIn } = await issuer.issue(short);
    expect(expiresIn).toBe(5);
    now += 5_000;
    expect(await code(issuer.redeem(ticket))).toBe('invalid_ticket');
    expect(await code(issuer.issue({ ...alice, expiresAt: now }))).toBe('token_expired');
  });

  it('refuses unknown and malformed tickets without touching the store for garbage', async () => {
    const store = ticketStore();
    let takes = 0;
    const counting = { ...store, takeTicket: (h: string, n: number) => (takes++, store.takeTicket(h, n)) };
    const issuer = createTicketIssuer({ store: counting, clock: () => T0 });
    expect(await code(issuer.redeem('A'.repeat(43)))).toBe('invalid_ticket');
    expect(takes).toBe(1);
    for (const bad of ['', 'short', 'A'.repeat(44), 'A'.repeat(42) + '=', 'A'.repeat(42) + '\n']) {
      expect(await code(issuer.redeem(bad))).toBe('invalid_ticket');
    }
    expect(takes).toBe(1);
  });

  it('binds the ticket to its user and topics', async () => {
    const issuer = createTicketIssuer({ store: ticketStore(), clock: () => T0 });
    const a = await issuer.issue(alice);
    const b = await issuer.issue({ user: 'bob', topics: [], expiresAt: T0 + 60_000 });
    expect(await issuer.redeem(b.ticket)).toEqual({ user: 'bob', topics: [], expiresAt: T0 + 60_000 });
    expect((await issuer.redeem(a.ticket)).user).toBe('alice');
  });

  it('refuses a TTL above 60 s at creation', () => {
    expect(() => createTicketIssuer({ store: ticketStore(), ttlMs: 60_001 })).toThrow(/1\.\.60000/);
    expect(() => createTicketIssuer({ store: ticketStore(), ttlMs: 0 })).toThrow(/1\.\.60000/);
  });
});
