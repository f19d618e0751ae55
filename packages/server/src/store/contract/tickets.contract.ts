/** Stream tickets: single use, refused at or after expiry. */
import { describe, expect, it } from 'vitest';
import type { TicketRecord } from '../store.ts';
import type { StoreContext } from './harness.ts';
import { T0 } from './harness.ts';

const ticket: TicketRecord = { user: 'alice', topics: ['orders.1', 'broadcast'], expiresAt: T0 + 60_000, tokenExpiresAt: T0 + 3_600_000 };

export function ticketsContract(ctx: StoreContext): void {
  describe('tickets', () => {
    it('takes a saved ticket once', async () => {
      await ctx.store.saveTicket('h1', ticket);
      expect(await ctx.store.takeTicket('h1', T0)).toStrictEqual(ticket);
      expect(await ctx.store.takeTicket('h1', T0)).toBeNull();
    });

    it('an unknown hash gets null', async () => {
      await ctx.store.saveTicket('h1', ticket);
      expect(await ctx.store.takeTicket('h2', T0)).toBeNull();
      expect(await ctx.store.takeTicket('h1', T0)).toStrictEqual(ticket);
    });

    it('refuses a ticket at its expiry instant, accepts it a millisecond before', async () => {
      await ctx.store.saveTicket('late', ticket);
      await ctx.store.saveTicket('early', { ...ticket, topics: [] });
      expect(await ctx.store.takeTicket('late', ticket.expiresAt)).toBeNull();
      expect(await ctx.store.takeTicket('early', ticket.expiresAt - 1)).toStrictEqual({ ...ticket, topics: [] });
    });

    it('an expired ticket stays refused afterwards', async () => {
      await ctx.store.saveTicket('h', ticket);
      expect(await ctx.store.takeTicket('h', ticket.expiresAt + 1)).toBeNull();
      expect(await ctx.store.takeTicket('h', T0)).toBeNull();
    });

    it('concurrent takes: exactly one wins', async () => {
      await ctx.store.saveTicket('race', ticket);
      const got = await Promise.all(Array.from({ length: 8 }, () => ctx.store.takeTicket('race', T0)));
      expect(got.filter((t) => t !== null)).toHaveLength(1);
    });
  });
}
