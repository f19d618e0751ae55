/**
 * The headers of the HTML pages Herald serves (`/admin`, and the demo at `/` in dev mode).
 *
 * `/admin` holds an admin API key in its tab: no other site may frame it (clickjacking a publish
 * form) or read where it came from. The pages load scripts only from Herald itself, so framing is
 * what the policy restricts, not scripts.
 */
import type { FastifyReply } from 'fastify';

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
};

/** Sets the page headers on a reply that answers with an HTML page. */
export function asPage(reply: FastifyReply): FastifyReply {
  return reply.headers(PAGE_HEADERS);
}
