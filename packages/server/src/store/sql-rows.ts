/**
 * Row mapping shared by the SQL stores. Times and sequences are integer columns (bigint in
 * Postgres, which `pg` returns as strings: `Number` is exact below 2^53, which ms timestamps
 * and sequences stay under).
 */
import type { NewNotification, StoredNotification, TopicEvent, UserEvent } from './store.ts';

type Int = number | string;
type Maybe<T> = T | null;

/** A `notifications` row as both drivers return it. */
export interface NotificationRow {
  id: string;
  recipient: string;
  seq: Int;
  title: string;
  body: Maybe<string>;
  severity: StoredNotification['severity'];
  category: Maybe<string>;
  url: Maybe<string>;
  data: Maybe<string>;
  created_at: Int;
  expires_at: Maybe<Int>;
  seen_at: Maybe<Int>;
  read_at: Maybe<Int>;
  archived_at: Maybe<Int>;
}

/** The columns of `NotificationRow`, in order, for SELECT lists. */
export const NOTIFICATION_COLUMNS = 'id, recipient, seq, title, body, severity, category, url, data, created_at, expires_at, seen_at, read_at, archived_at';

/** The columns an INSERT of a fresh notification fills, in `insertValues` order. */
export const INSERT_COLUMNS = 'id, recipient, seq, title, body, severity, category, url, data, created_at, expires_at, dedupe_key';

/** Values for an INSERT of a fresh notification, in `INSERT_COLUMNS` order. */
export function insertValues(item: NewNotification, seq: number, now: number): unknown[] {
  return [
    item.id,
    item.recipient,
    seq,
    item.title,
    item.body ?? null,
    item.severity,
    item.category ?? null,
    item.url ?? null,
    item.data === undefined ? null : JSON.stringify(item.data),
    now,
    item.expiresAt ?? null,
    item.dedupeKey ?? null,
  ];
}

export function fromRow(r: NotificationRow): StoredNotification {
  const n: StoredNotification = {
    id: r.id,
    recipient: r.recipient,
    title: r.title,
    severity: r.severity,
    seq: Number(r.seq),
    createdAt: Number(r.created_at),
  };
  if (r.body !== null) n.body = r.body;
  if (r.category !== null) n.category = r.category;
  if (r.url !== null) n.url = r.url;
  if (r.data !== null) n.data = JSON.parse(r.data) as Record<string, unknown>;
  if (r.expires_at !== null) n.expiresAt = Number(r.expires_at);
  if (r.seen_at !== null) n.seenAt = Number(r.seen_at);
  if (r.read_at !== null) n.readAt = Number(r.read_at);
  if (r.archived_at !== null) n.archivedAt = Number(r.archived_at);
  return n;
}

/** A `user_events` row: `payload` is the notification or the change, as JSON. */
export interface UserEventRow {
  seq: Int;
  at: Int;
  type: UserEvent['type'];
  payload: string;
}

export function userEventFromRow(user: string, r: UserEventRow): UserEvent {
  const base = { user, seq: Number(r.seq), at: Number(r.at) };
  return r.type === 'notification'
    ? { ...base, type: 'notification', notification: JSON.parse(r.payload) as StoredNotification }
    : { ...base, type: 'notification.state', change: JSON.parse(r.payload) as Extract<UserEvent, { type: 'notification.state' }>['change'] };
}

export interface TopicEventRow {
  seq: Int;
  topic: string;
  event: string;
  data: string;
  at: Int;
}

export function topicEventFromRow(r: TopicEventRow): TopicEvent {
  return { seq: Number(r.seq), topic: r.topic, event: r.event, data: r.data, at: Number(r.at) };
}
