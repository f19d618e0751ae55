/**
 * Names and patterns. Pure checks shared by the server (to refuse) and the SDK (to fail early).
 */
import { isStorableText } from './storable.ts';

/** User ids, categories: 1..256 printable characters, no control characters or commas. */
const USER_ID = /^[^\u0000-\u001f\u007f,]{1,256}$/;
/** Topics: segments of `[A-Za-z0-9_-]` joined by `.`, `:` or `/`; at most 200 characters. */
const TOPIC = /^[A-Za-z0-9_-]+(?:[.:/][A-Za-z0-9_-]+)*$/;
/** Event names: 1..64 characters of `[A-Za-z0-9_.:-]`. */
const EVENT_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The topic every connection receives. */
export const BROADCAST = 'broadcast';

/** Event names a publisher may not use for a topic event: they belong to the inbox protocol. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set(['ready', 'notification', 'notification.state', 'counts', 'reset']);

/**
 * A user id is an identity: it is compared and stored, so it must be storable text too (an
 * unpaired surrogate would be stored as U+FFFD and merge two users).
 */
export function isUserId(value: string): boolean {
  return USER_ID.test(value) && isStorableText(value);
}

export function isTopic(value: string): boolean {
  return value.length <= 200 && TOPIC.test(value);
}

export function isEventName(value: string): boolean {
  return EVENT_NAME.test(value) && !RESERVED_EVENTS.has(value);
}

/**
 * Whether a token's topic pattern allows a topic. Patterns are topics whose segments may be `*`
 * (exactly one segment) or a final `**` (one or more segments); `**` alone allows every topic.
 * Segments are split on `.`, `:` and `/` alike.
 */
export function topicAllowed(pattern: string, topic: string): boolean {
  if (pattern === '**') return true;
  const p = pattern.split(/[.:/]/);
  const t = topic.split(/[.:/]/);
  for (let i = 0; i < p.length; i++) {
    const seg = p[i];
    if (seg === '**') return i === p.length - 1 && t.length > i;
    if (i >= t.length) return false;
    if (seg !== '*' && seg !== t[i]) return false;
  }
  return p.length === t.length;
}

/** Whether any of the patterns allows the topic. `broadcast` is always allowed. */
export function anyTopicAllowed(patterns: readonly string[], topic: string): boolean {
  return topic === BROADCAST || patterns.some((p) => topicAllowed(p, topic));
}
