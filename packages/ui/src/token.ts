/** Token sources for the bell's attributes. */

/**
 * A `getToken` that asks the app's own endpoint (same-origin cookies included) for a token.
 * The endpoint answers JSON `{token}` or the bare token as text.
 */
export function tokenFromUrl(url: string, fetchFn: typeof fetch = fetch): () => Promise<string> {
  return async () => {
    const res = await fetchFn(url, { credentials: 'same-origin', headers: { accept: 'application/json, text/plain' } });
    if (!res.ok) throw new Error(`token-url answered ${res.status}`);
    const text = (await res.text()).trim();
    if (text.startsWith('{')) {
      const token = (JSON.parse(text) as { token?: unknown }).token;
      if (typeof token !== 'string' || token === '') throw new Error('token-url JSON has no "token"');
      return token;
    }
    return text;
  };
}

/** Parses the `topics` attribute: comma or space separated. */
export function parseTopics(value: string | null): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

/**
 * The `sub` claim of a JWT, read without verifying (only to key the shared connection per user;
 * Herald verifies the token). Null when it is not a readable JWT.
 */
export function tokenSubject(token: string): string | null {
  try {
    const part = token.split('.')[1];
    if (!part) return null;
    const bin = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const json = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}
