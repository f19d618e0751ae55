/**
 * Single-use stream tickets (`POST /v1/tickets` → `GET /v1/stream?ticket=`): a browser that
 * cannot send headers on EventSource trades its token for a short-lived ticket instead of putting
 * the long-lived token in a URL (where proxies and logs would keep it).
 *
 * A ticket is 32 random bytes; the store keeps only its sha256, so a leaked database holds no
 * usable ticket. It is bound to the user, the token's topics and the token's expiry (the
 * principal's `expiresAt`, which already includes the clock leeway: tickets add none of their own).
 */
import { createHash, randomBytes } from 'node:crypto';
import { HeraldError } from '@herald/protocol';
import type { Store } from '../store/store.ts';
import type { UserPrincipal } from './principal.ts';

/** The upper bound on a ticket's life (DESIGN §3). */
export const MAX_TICKET_TTL_MS = 60_000;
/** 32 bytes in unpadded base64url. */
const TICKET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface TicketIssuerOptions {
  store: Pick<Store, 'saveTicket' | 'takeTicket'>;
  /** Ticket lifetime, ms, 1..60 000. Default 30 000. */
  ttlMs?: number;
  /** Epoch ms now. Default `Date.now`. */
  clock?: () => number;
}

const DEFAULTS = { ttlMs: 30_000, clock: Date.now } as const;

export interface TicketIssuer {
  /** Issues a ticket for the principal; it expires at the sooner of the TTL and the token's `exp`. */
  issue(principal: UserPrincipal): Promise<{ ticket: string; expiresIn: number }>;
  /** Consumes a ticket: a second redeem, an expired or unknown ticket throws `invalid_ticket`. */
  redeem(ticket: string): Promise<UserPrincipal>;
}

export function createTicketIssuer(options: TicketIssuerOptions): TicketIssuer {
  const store = options.store;
  const ttlMs = options.ttlMs ?? DEFAULTS.ttlMs;
  const clock = options.clock ?? DEFAULTS.clock;
  if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TICKET_TTL_MS) {
    throw new Error(`ticket ttlMs must be an integer 1..${MAX_TICKET_TTL_MS}, got ${ttlMs}`);
  }
  return {
    async issue(principal) {
      const now = clock();
      if (principal.expiresAt <= now) throw new HeraldError('token_expired');
      const ticket = randomBytes(32).toString('base64url');
      const expiresAt = Math.min(now + ttlMs, principal.expiresAt);
      await store.saveTicket(hashTicket(ticket), {
        user: principal.user,
        topics: [...principal.topics],
        expiresAt,
        tokenExpiresAt: principal.expiresAt,
      });
      return { ticket, expiresIn: Math.max(1, Math.floor((expiresAt - now) / 1000)) };
    },

    async redeem(ticket) {
      // Malformed input never reaches the store.
      if (typeof ticket !== 'string' || !TICKET_SHAPE.test(ticket)) throw new HeraldError('invalid_ticket');
      const now = clock();
      const record = await store.takeTicket(hashTicket(ticket), now);
      if (record === null || record.expiresAt <= now || record.tokenExpiresAt <= now) {
        throw new HeraldError('invalid_ticket');
      }
      return { user: record.user, topics: [...record.topics], expiresAt: record.tokenExpiresAt };
    },
  };
}

/** The store key of a ticket. */
export function hashTicket(ticket: string): string {
  return createHash('sha256').update(ticket, 'utf8').digest('hex');
}
