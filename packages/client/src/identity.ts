/**
 * Who a tab is signed in as, and the one place that names the group of tabs sharing a
 * connection. The user is part of the name, so two users in one browser never share a lock, a
 * BroadcastChannel or a stored cursor.
 */

/** A non-empty string field of a JSON object, or undefined. */
function field(json: string, key: string): string | undefined {
  try {
    const v = (JSON.parse(json) as Record<string, unknown>)[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `sub` claim of a JWT, read without verifying (base64url JSON): only to key the shared
 * connection per user; Herald verifies the token. Undefined when it is not a readable JWT.
 */
export function tokenSubject(token: string): string | undefined {
  try {
    // atob accepts base64 without its padding (forgiving-base64); the payload is UTF-8.
    const bin = atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'));
    return field(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))), 'sub');
  } catch {
    return undefined;
  }
}

/** The `user` of a `ready` event's data (JSON text), or undefined. */
export const readyUser = (data: string): string | undefined => field(data, 'user');

/**
 * The name tabs share a connection under: `scope` (what else they must agree on: the server URL
 * and topics by default) and the user. The user is written as a JSON string, never hashed, so
 * two users never collide, and it always ends the name (a quote inside it is escaped), so no
 * scope can forge another user's name. Never built from the token itself.
 */
export const shareKey = (scope: string, user: string): string => `${scope}|u=${JSON.stringify(user)}`;
