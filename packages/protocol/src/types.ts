/** Wire types of the v1 contract (DESIGN §1 and §3), shared by server and SDK. */

export const SEVERITIES = ['info', 'success', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A persisted inbox item of one user. Times are ISO-8601 strings on the wire. */
export interface Notification {
  id: string;
  recipient: string;
  title: string;
  body?: string;
  severity: Severity;
  category?: string;
  url?: string;
  data?: Record<string, unknown>;
  createdAt: string;
  expiresAt?: string;
  seenAt?: string;
  readAt?: string;
  archivedAt?: string;
}

export interface Counts {
  unread: number;
  unseen: number;
  total: number;
}

export const STATE_ACTIONS = ['read', 'unread', 'seen', 'archive', 'unarchive'] as const;
export type StateAction = (typeof STATE_ACTIONS)[number];

/** Data of the `notification.state` event: the ids changed, or `all: true`. */
export interface StateChange {
  action: StateAction;
  ids?: string[];
  all?: boolean;
  at: string;
}

/** Data of the `ready` event, the first event of every stream. */
export interface ReadyData {
  user: string;
  counts: Counts;
  heartbeatMs: number;
  topics: string[];
  /** True when the stream starts with a replay of what the cursor missed. */
  resumed: boolean;
}

/** Data of a topic event as delivered on a stream. */
export interface TopicEventData {
  topic: string;
  data: unknown;
  at: string;
}

/** Data of the `reset` event: the client must refetch its inbox. */
export interface ResetData {
  reason: 'retention' | 'epoch' | 'cursor';
}

export const INBOX_STATUSES = ['all', 'unread', 'unseen', 'archived'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export interface InboxPage {
  items: Notification[];
  nextCursor: string | null;
}

/** SSE event names of `/v1/stream`; topic events use the publisher's name or `message`. */
export const STREAM_EVENTS = ['ready', 'notification', 'notification.state', 'counts', 'reset'] as const;
export type StreamEventName = (typeof STREAM_EVENTS)[number];
