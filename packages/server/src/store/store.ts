/**
 * The durable seam. A Store keeps notifications (the inbox), a per-user event log with a gap-free
 * sequence per user, a global topic-event log with bounded retention, and stream tickets.
 *
 * Invariants every implementation keeps (checked by `contract/`):
 * - a user event's `seq` is assigned in the same transaction as the change it records, is
 *   1, 2, 3 … per user with no gap, and commit order equals sequence order;
 * - topic events get a global sequence with the same property;
 * - a rejected or failed call writes nothing (all recipients of a publish, or none);
 * - `trimmed` only grows, and reads of a log never return a seq at or below it;
 * - `epoch` is fixed when the store is first created and never changes.
 * Times are epoch milliseconds, injected by the caller (no clock inside a store).
 */
import type { Counts, InboxStatus, Notification, Severity, StateAction } from '@herald/protocol';
import type { StoreFault } from './errors.ts';

/** One recipient's copy of a publish, with its id already chosen by the hub. */
export interface NewNotification {
  id: string;
  recipient: string;
  title: string;
  body?: string;
  severity: Severity;
  category?: string;
  url?: string;
  data?: Record<string, unknown>;
  dedupeKey?: string;
  /** Epoch ms. */
  expiresAt?: number;
}

/** A notification as stored; times in epoch ms. */
export interface StoredNotification extends Omit<NewNotification, 'dedupeKey'> {
  /** The user-log sequence of the event that created it; orders the inbox. */
  seq: number;
  createdAt: number;
  seenAt?: number;
  readAt?: number;
  archivedAt?: number;
}

/** An entry of a user's event log: what a stream of that user replays on resume. */
export type UserEvent =
  | { user: string; seq: number; at: number; type: 'notification'; notification: StoredNotification }
  | { user: string; seq: number; at: number; type: 'notification.state'; change: { action: StateAction; ids?: string[]; all?: boolean } };

/** An entry of the global topic log. `data` is the JSON text the publisher sent. */
export interface TopicEvent {
  seq: number;
  topic: string;
  event: string;
  data: string;
  at: number;
}

/** Where a log stands: the last sequence written, and every seq ≤ `trimmed` is gone. */
export interface LogPosition {
  last: number;
  trimmed: number;
}

export interface PublishOutcome {
  notification: StoredNotification;
  /** Null when `dedupeKey` matched an earlier publish: nothing new was written. */
  event: Extract<UserEvent, { type: 'notification' }> | null;
}

export type StateTarget = { ids: string[] } | { all: true };

export interface StateOutcome {
  /** Null when nothing changed. */
  event: Extract<UserEvent, { type: 'notification.state' }> | null;
}

export interface InboxQuery {
  status: InboxStatus;
  category?: string;
  limit: number;
  /** Return items with `seq` below this (the previous page's last seq). */
  beforeSeq?: number;
}

export interface Retention {
  /** Keep at most this many user-log events per user. */
  userEventMaxCount: number;
  /** Drop user-log events older than this (ms). */
  userEventAgeMs: number;
  /** Keep at most this many topic events. */
  topicMaxCount: number;
  /** Drop topic events older than this (ms). */
  topicAgeMs: number;
}

export interface TicketRecord {
  user: string;
  topics: string[];
  /** Epoch ms; a ticket is refused at or after this. */
  expiresAt: number;
  /** Epoch ms when the token that bought the ticket expires; the stream closes then. */
  tokenExpiresAt: number;
}

/** What a store knows of its own ability to write (for `/readyz` and `/metrics`). */
export interface StoreHealth {
  /** False while the last write (or write probe) met a storage fault, and for good once the file is lost or corrupt. */
  writable: boolean;
  /** Why not, while not writable. */
  fault?: StoreFault;
  /** Storage faults met since the store opened, by kind. */
  faults: Partial<Record<StoreFault, number>>;
}

/** A change of `StoreHealth.writable`, reported once per change (the log line an operator reads). */
export interface StoreHealthChange {
  writable: boolean;
  fault?: StoreFault;
  /** One sentence for the operator: what happened and what Herald does about it. */
  detail: string;
}

export interface Store {
  /** Fixed at creation; part of every cursor. `[0-9a-z]{1,32}`. */
  readonly epoch: string;

  /** Writes every recipient's copy and its user event in one transaction, or nothing. */
  publish(items: NewNotification[], now: number): Promise<PublishOutcome[]>;

  /** Applies a state change of the user's own notifications and logs it, atomically. */
  changeState(user: string, action: StateAction, target: StateTarget, now: number): Promise<StateOutcome>;

  /** Appends to the topic log. */
  appendTopicEvent(topic: string, event: string, data: string, now: number): Promise<TopicEvent>;

  /**
   * User events with seq > max(after, trimmed), ascending, at most `limit`. Never an event at or
   * below the trimmed point (its notification may still be in the inbox); a caller whose `after`
   * is below it sees the hole (the first seq is not `after + 1`) and must `reset`, not retry.
   */
  userEventsSince(user: string, after: number, limit: number): Promise<UserEvent[]>;

  /** Topic events with seq > after whose topic is in `topics`, ascending, at most `limit`. */
  topicEventsSince(after: number, topics: readonly string[], limit: number): Promise<TopicEvent[]>;

  userPosition(user: string): Promise<LogPosition>;
  topicPosition(): Promise<LogPosition>;

  /** The user's inbox, newest first (by seq); expired items are left out. */
  listInbox(user: string, query: InboxQuery, now: number): Promise<StoredNotification[]>;

  /** Counts over the user's unexpired, unarchived notifications. */
  counts(user: string, now: number): Promise<Counts>;

  /** Applies retention. Never trims a user event that is within both limits. */
  trim(retention: Retention, now: number): Promise<void>;

  /** Saves a ticket under the hash of its secret. */
  saveTicket(hash: string, ticket: TicketRecord): Promise<void>;

  /** Returns and deletes the ticket, atomically: a second call gets null. Null when expired. */
  takeTicket(hash: string, now: number): Promise<TicketRecord | null>;

  /**
   * Resolves when the store answers (for `/readyz`); rejects otherwise, with a
   * `StoreUnavailableError` naming the fault when it knows one. SQLite makes it a one-row write,
   * so a store that can read but not write is not ready.
   */
  ping(): Promise<void>;

  /** Optional capability: storage faults seen so far (SQLite). Without it, only `ping` tells. */
  health?(): StoreHealth;

  close(): Promise<void>;
}

/** Converts a stored notification to its wire form. */
export function toWire(n: StoredNotification): Notification {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  const out: Notification = {
    id: n.id,
    recipient: n.recipient,
    title: n.title,
    severity: n.severity,
    createdAt: new Date(n.createdAt).toISOString(),
  };
  if (n.body !== undefined) out.body = n.body;
  if (n.category !== undefined) out.category = n.category;
  if (n.url !== undefined) out.url = n.url;
  if (n.data !== undefined) out.data = n.data;
  if (n.expiresAt !== undefined) out.expiresAt = iso(n.expiresAt);
  if (n.seenAt !== undefined) out.seenAt = iso(n.seenAt);
  if (n.readAt !== undefined) out.readAt = iso(n.readAt);
  if (n.archivedAt !== undefined) out.archivedAt = iso(n.archivedAt);
  return out;
}
