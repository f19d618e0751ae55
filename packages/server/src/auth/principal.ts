/**
 * The authenticated subscriber, as every auth path (JWT, cookie, ticket) yields it.
 */
import { HeraldError } from '@herald/protocol';

/** Who a stream or inbox request acts for. */
export interface UserPrincipal {
  /** The user id (the token's `sub`). */
  user: string;
  /** Topic patterns the user may subscribe to (the `topics` claim); `broadcast` needs none. */
  topics: string[];
  /**
   * Epoch ms when Herald stops honouring the credential: the token's `exp` plus the clock leeway.
   * Every check after verification (ticket issue and redeem, an open stream's close) compares
   * with this one number, so a token inside the leeway works the same on every route.
   */
  expiresAt: number;
}

/** A pattern segment: a topic segment, `*` (one segment) or `**` (one or more, last only). */
const SEGMENT = /^(?:[A-Za-z0-9_-]+|\*|\*\*)$/;
const MAX_PATTERNS = 256;

/** Whether `value` is a valid topic pattern (see `topicAllowed` in the protocol package). */
export function isTopicPattern(value: string): boolean {
  if (value.length === 0 || value.length > 200) return false;
  const segs = value.split(/[.:/]/);
  return segs.every((s, i) => SEGMENT.test(s) && (s !== '**' || i === segs.length - 1));
}

/**
 * Reads the `topics` claim: an array of patterns, or one string of patterns separated by spaces
 * or commas (the OAuth `scope` habit). Missing means no topics. A malformed claim refuses the
 * token rather than silently granting less or more than the issuer meant.
 */
export function parseTopicsClaim(claim: unknown): string[] {
  if (claim === undefined || claim === null) return [];
  let list: unknown[];
  if (typeof claim === 'string') list = claim.split(/[\s,]+/).filter((s) => s.length > 0);
  else if (Array.isArray(claim)) list = claim;
  else throw new HeraldError('invalid_token', 'The topics claim must be an array of strings or a string.');
  if (list.length > MAX_PATTERNS) throw new HeraldError('invalid_token', `The topics claim lists more than ${MAX_PATTERNS} patterns.`);
  for (const p of list) {
    if (typeof p !== 'string' || !isTopicPattern(p)) {
      throw new HeraldError('invalid_token', 'The topics claim holds an invalid topic pattern.');
    }
  }
  return [...new Set(list as string[])];
}
