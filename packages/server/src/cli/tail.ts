/** `herald tail --user alice`: prints a user's live stream as it arrives. */
import { signDevToken } from '../auth/index.ts';
import { localJwtSecret } from './local-credentials.ts';

export async function tail(o: { user: string; topics?: string; lastEventId?: string; url: string; dataDir: string }): Promise<void> {
  const token = await signDevToken({
    secret: localJwtSecret(o.dataDir),
    sub: o.user,
    topics: ['**'],
    ttlS: 3600,
    audience: process.env.HERALD_JWT_AUDIENCE || undefined,
    issuer: process.env.HERALD_JWT_ISSUER || undefined,
  });
  const url = new URL('/v1/stream', o.url);
  if (o.topics) url.searchParams.set('topics', o.topics);
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
  if (o.lastEventId) headers['last-event-id'] = o.lastEventId;
  const res = await fetch(url, { headers });
  if (!res.ok || !res.body) {
    process.stderr.write(`herald tail: ${res.status} ${await res.text()}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`tailing ${o.user} at ${o.url} (Ctrl-C to stop)\n`);
  const decoder = new TextDecoder();
  for await (const chunk of res.body) process.stdout.write(decoder.decode(chunk as Uint8Array, { stream: true }));
}
