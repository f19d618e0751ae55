/** Token sources for the bell's attributes. */

/**
 * A `getToken` that asks the app's own endpoint (same-origin cookies included) for a token.
 * The endpoint answers JSON `{token}` or the bare token as text, or 401/403 when nobody is
 * signed in: that gives null, and the SDK drops the signed-out user's stream and inbox.
 */
export function tokenFromUrl(url: string, fetchFn: typeof fetch = fetch): () => Promise<string | null> {
  return async () => {
    const res = await fetchFn(url, { credentials: 'same-origin', headers: { accept: 'application/json, text/plain' } });
    if (res.status === 401 || res.status === 403) return null;
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

