/** `herald publish --to alice --title …`: one notification, from the command line. */
import { localApiKey } from './local-credentials.ts';

export async function publishCommand(o: { to: string; title: string; body?: string; severity: string; category?: string; url: string; dataDir: string }): Promise<void> {
  const res = await fetch(new URL('/v1/notifications', o.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${localApiKey(o.dataDir)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ recipients: o.to.split(','), title: o.title, body: o.body, severity: o.severity, category: o.category }),
  });
  const text = await res.text();
  process.stdout.write(`${res.status} ${text}\n`);
  if (!res.ok) process.exitCode = 1;
}
