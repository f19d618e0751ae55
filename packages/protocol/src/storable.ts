/**
 * Text a store can keep exactly as sent. Pure, so the server refuses with it and an SDK can fail
 * early with the same rule.
 *
 * Two things in a JavaScript string cannot survive storage:
 * - U+0000: Postgres refuses it in `text` and `jsonb` (the insert fails).
 * - An unpaired UTF-16 surrogate: UTF-8 cannot encode it, so drivers write U+FFFD instead. Two
 *   different ids (`"a\ud800"`, `"a\udbff"`) then become one (`"a\ufffd"`): a merged identity,
 *   a dedupe collision, and a replay that differs from what was delivered live.
 */

/** How deep a notification's or topic event's `data` may nest (objects and arrays each count). */
export const MAX_DATA_DEPTH = 32;

/**
 * NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
 * Without the `u` flag a regex sees UTF-16 code units, which is what the pairing rule is about.
 * (`String.prototype.isWellFormed` says the same for surrogates, but not in every runtime we
 * support.)
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `text` holds neither U+0000 nor an unpaired surrogate: every store keeps it as sent. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** What `findUnstorable` found, and where (`a.b[2]`; empty for the value itself). */
export interface Unstorable {
  kind: 'text' | 'depth';
  path: string;
}

/** A key as it appears in a path: escaped like JSON, and cut short so a message stays small. */
function keyLabel(key: string): string {
  const escaped = JSON.stringify(key).slice(1, -1);
  return escaped.length > 40 ? `${escaped.slice(0, 40)}…` : escaped;
}

interface Pending {
  value: unknown;
  depth: number;
  path: string;
  /** The value is an object key: checked as text, reported as `path (key)`. */
  key?: true;
}

/**
 * The first problem in a parsed JSON value, in document order: a string (key or value) that is
 * not storable text, or an object or array nested more than `maxDepth` levels (the value itself
 * is level 1 when it is an object or array). Undefined when there is none.
 *
 * Iterative, with an explicit stack, and it never descends past `maxDepth`: input nested
 * 100 000 levels costs as little as input nested `maxDepth + 1`, and cannot overflow the call
 * stack.
 */
export function findUnstorable(value: unknown, maxDepth: number): Unstorable | undefined {
  const stack: Pending[] = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const { value: v, depth, path } = item;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return { kind: 'text', path: item.key ? `${path} (key)` : path };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > maxDepth) return { kind: 'depth', path };
    // Children are pushed last-first so that they are popped, and reported, in document order.
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const at = path === '' ? keyLabel(key) : `${path}.${keyLabel(key)}`;
      stack.push({ value: (v as Record<string, unknown>)[key], depth: depth + 1, path: at });
      stack.push({ value: key, depth: depth + 1, path: at, key: true });
    }
  }
  return undefined;
}
