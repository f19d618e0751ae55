/**
 * What the access log may say about a request. Credentials never reach the log: query values of
 * `ticket`, `token` and `lastEventId`-like secrets are masked, and headers are not logged at all.
 */
const SECRET_PARAMS = /([?&](?:ticket|token|access_token|key|api_key)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

export const requestSerializer = (req: { method: string; url: string; ip?: string }) => ({
  method: req.method,
  url: redactUrl(req.url),
  ip: req.ip,
});
