/**
 * HTTP helpers for the e2e tests: sign subscriber tokens, publish as a backend would, and call
 * the inbox API as a browser would. Plain fetch, nothing from Herald's own SDK.
 */
import { SignJWT } from 'jose';
import { TEST_API_KEY, TEST_SECRET } from './herald-process.ts';

/** A subscriber JWT (HS256) for `sub`, optionally with a `topics` claim. */
export function signToken(sub: string, o: { secret?: string; topics?: string[]; ttlS?: number } = {}): Promise<string> {
  const claims = o.topics ? { topics: o.topics } : {};
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (o.ttlS ?? 3600))
    .sign(new TextEncoder().encode(o.secret ?? TEST_SECRET));
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One JSON request; the body is parsed when it is JSON, else kept as text. */
export async function call<T = any>(method: string, url: string, o: { bearer?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
  if (o.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: o.json === undefined ? undefined : JSON.stringify(o.json) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the assertion message.
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export interface PublishBody {
  recipients: string[];
  title: string;
  body?: string;
  severity?: string;
  category?: string;
  url?: string;
  data?: Record<string, unknown>;
  dedupeKey?: string;
  expiresAt?: string;
}

/** A publisher: `POST /v1/notifications` and topic events with an API key. */
export function publisher(base: string, apiKey = TEST_API_KEY) {
  return {
    publish: (b: PublishBody) => call('POST', `${base}/v1/notifications`, { bearer: apiKey, json: b }),
    /** Publishes and returns the one id; fails the test on anything but 201. */
    async publishOne(recipient: string, title: string, extra: Partial<PublishBody> = {}): Promise<string> {
      const r = await call('POST', `${base}/v1/notifications`, { bearer: apiKey, json: { recipients: [recipient], title, ...extra } });
      if (r.status !== 201) throw new Error(`publish → ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.notifications[0].id as string;
    },
    topic: (topic: string, body: { event?: string; data: unknown }) => call<{ id: string }>('POST', `${base}/v1/topics/${encodeURIComponent(topic)}/events`, { bearer: apiKey, json: body }),
    stats: () => call('GET', `${base}/v1/stats`, { bearer: apiKey }),
  };
}

/** A subscriber: the inbox API with a user token. */
export function subscriber(base: string, token: string) {
  return {
    inbox: (q: Record<string, string> = {}) => call<{ items: any[]; nextCursor: string | null }>('GET', `${base}/v1/inbox?${new URLSearchParams(q)}`, { bearer: token }),
    counts: () => call<{ unread: number; unseen: number; total: number }>('GET', `${base}/v1/inbox/counts`, { bearer: token }),
    change: (action: string, body: { ids?: string[]; all?: true }) => call<{ changed: number }>('POST', `${base}/v1/inbox/${action}`, { bearer: token, json: body }),
    ticket: () => call<{ ticket: string; expiresIn: number }>('POST', `${base}/v1/tickets`, { bearer: token }),
  };
}
