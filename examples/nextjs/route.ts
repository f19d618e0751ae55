// Next.js App Router: app/api/herald/token/route.ts signs a token for the bell;
// `notify()` publishes from any server action or route.
import { SignJWT } from 'jose';

const HERALD_URL = process.env.HERALD_URL ?? 'http://127.0.0.1:8080';
const secret = new TextEncoder().encode(process.env.HERALD_JWT_SECRET);

export async function notify(recipients: string[], title: string, extra: { body?: string; url?: string; severity?: string } = {}) {
  const res = await fetch(`${HERALD_URL}/v1/notifications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.HERALD_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ recipients, title, ...extra }),
  });
  if (res.status !== 201) throw new Error(`herald: ${res.status} ${await res.text()}`);
  return (await res.json()).notifications as { id: string; recipient: string }[];
}

/** GET /api/herald/token — replace getUserId with your session lookup. */
export async function GET(request: Request) {
  const userId = await getUserId(request);
  if (!userId) return new Response('unauthorized', { status: 401 });
  const token = await new SignJWT({ topics: [`orders.${userId}.*`] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setExpirationTime('15m')
    .sign(secret);
  return Response.json({ token });
}

declare function getUserId(request: Request): Promise<string | null>;
