/**
 * A Store in process memory, for unit tests of the hub and for `--store memory` dev runs.
 * Every method body runs synchronously, so each call is atomic; values are cloned in and out
 * so callers can never alias stored state.
 */
import type { Counts, StateAction } from '@herald/protocol';
import { DuplicateIdError } from './errors.ts';
import { applyAction, inStatus, isExpired, newEpoch, planPublish, toStored, trimPoint } from './rules.ts';
import type {
  InboxQuery,
  LogPosition,
  NewNotification,
  PublishOutcome,
  Retention,
  StateOutcome,
  StateTarget,
  Store,
  StoredNotification,
  TicketRecord,
  TopicEvent,
  UserEvent,
} from './store.ts';

export interface MemoryStoreOptions {
  /** The epoch to report. Default: a new random one. */
  epoch?: string;
}

interface UserLog {
  pos: LogPosition;
  events: UserEvent[];
  /** Ascending by seq. */
  inbox: StoredNotification[];
  byDedupe: Map<string, StoredNotification>;
}

const clone = <T>(v: T): T => structuredClone(v);

/** Creates an empty in-memory store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const epoch = options.epoch ?? newEpoch();
  const users = new Map<string, UserLog>();
  const ids = new Set<string>();
  const topic = { pos: { last: 0, trimmed: 0 } as LogPosition, events: [] as TopicEvent[] };
  const tickets = new Map<string, TicketRecord>();
  let closed = false;

  const userLog = (user: string): UserLog => {
    let log = users.get(user);
    if (!log) {
      log = { pos: { last: 0, trimmed: 0 }, events: [], inbox: [], byDedupe: new Map() };
      users.set(user, log);
    }
    return log;
  };
  const open = () => {
    if (closed) throw new Error('store is closed');
  };
  const visible = (user: string, now: number) => (users.get(user)?.inbox ?? []).filter((n) => !isExpired(n, now));

  return {
    epoch,

    async publish(items: NewNotification[], now: number): Promise<PublishOutcome[]> {
      open();
      const plan = planPublish(items, (r, key) => users.get(r)?.byDedupe.get(key));
      for (const item of plan.fresh) if (ids.has(item.id)) throw new DuplicateIdError(item.id);
      // Validated: from here nothing throws, so the batch is all-or-nothing.
      const created = plan.fresh.map((item) => {
        const log = userLog(item.recipient);
        const n = toStored(clone(item), ++log.pos.last, now);
        const event: UserEvent = { user: item.recipient, seq: n.seq, at: now, type: 'notification', notification: clone(n) };
        log.events.push(event);
        log.inbox.push(n);
        if (item.dedupeKey !== undefined) log.byDedupe.set(item.dedupeKey, n);
        ids.add(n.id);
        return event;
      });
      return plan.slots.map((s) =>
        'existing' in s
          ? { notification: clone(s.existing), event: null }
          : { notification: clone(created[s.fresh]!.notification), event: s.repeat ? null : clone(created[s.fresh]!) },
      );
    },

    async changeState(user: string, action: StateAction, target: StateTarget, now: number): Promise<StateOutcome> {
      open();
      const log = users.get(user);
      if (!log) return { event: null };
      let change: { action: StateAction; ids?: string[]; all?: boolean };
      if ('all' in target) {
        let any = false;
        for (const n of log.inbox) any = applyAction(n, action, now) || any;
        if (!any) return { event: null };
        change = { action, all: true };
      } else {
        const wanted = new Set(target.ids);
        const changed = new Set<string>();
        for (const n of log.inbox) if (wanted.has(n.id) && applyAction(n, action, now)) changed.add(n.id);
        if (changed.size === 0) return { event: null };
        change = { action, ids: [...wanted].filter((id) => changed.has(id)) };
      }
      const event: UserEvent = { user, seq: ++log.pos.last, at: now, type: 'notification.state', change };
      log.events.push(event);
      return { event: clone(event) };
    },

    async appendTopicEvent(name: string, event: string, data: string, now: number): Promise<TopicEvent> {
      open();
      const e: TopicEvent = { seq: ++topic.pos.last, topic: name, event, data, at: now };
      topic.events.push(e);
      return { ...e };
    },

    async userEventsSince(user: string, after: number, limit: number): Promise<UserEvent[]> {
      const events = users.get(user)?.events ?? [];
      return clone(events.filter((e) => e.seq > after).slice(0, Math.max(0, limit)));
    },

    async topicEventsSince(after: number, topics: readonly string[], limit: number): Promise<TopicEvent[]> {
      const wanted = new Set(topics);
      const out: TopicEvent[] = [];
      for (const e of topic.events) {
        if (out.length >= limit) break;
        if (e.seq > after && wanted.has(e.topic)) out.push({ ...e });
      }
      return out;
    },

    async userPosition(user: string): Promise<LogPosition> {
      const pos = users.get(user)?.pos;
      return pos ? { ...pos } : { last: 0, trimmed: 0 };
    },

    async topicPosition(): Promise<LogPosition> {
      return { ...topic.pos };
    },

    async listInbox(user: string, query: InboxQuery, now: number): Promise<StoredNotification[]> {
      const out: StoredNotification[] = [];
      const inbox = users.get(user)?.inbox ?? [];
      for (let i = inbox.length - 1; i >= 0 && out.length < query.limit; i--) {
        const n = inbox[i]!;
        if (query.beforeSeq !== undefined && n.seq >= query.beforeSeq) continue;
        if (isExpired(n, now) || !inStatus(n, query.status)) continue;
        if (query.category !== undefined && n.category !== query.category) continue;
        out.push(clone(n));
      }
      return out;
    },

    async counts(user: string, now: number): Promise<Counts> {
      const live = visible(user, now).filter((n) => n.archivedAt === undefined);
      return {
        unread: live.filter((n) => n.readAt === undefined).length,
        unseen: live.filter((n) => n.seenAt === undefined).length,
        total: live.length,
      };
    },

    async trim(retention: Retention, now: number): Promise<void> {
      open();
      for (const log of users.values()) {
        log.pos.trimmed = trimPoint(log.pos, log.events, retention.userEventMaxCount, now - retention.userEventAgeMs);
        log.events = log.events.filter((e) => e.seq > log.pos.trimmed);
      }
      topic.pos.trimmed = trimPoint(topic.pos, topic.events, retention.topicMaxCount, now - retention.topicAgeMs);
      topic.events = topic.events.filter((e) => e.seq > topic.pos.trimmed);
      for (const [hash, t] of tickets) if (t.expiresAt <= now) tickets.delete(hash);
    },

    async saveTicket(hash: string, ticket: TicketRecord): Promise<void> {
      open();
      tickets.set(hash, clone(ticket));
    },

    async takeTicket(hash: string, now: number): Promise<TicketRecord | null> {
      open();
      const t = tickets.get(hash);
      if (!t) return null;
      tickets.delete(hash);
      return t.expiresAt <= now ? null : t;
    },

    async ping(): Promise<void> {
      open();
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}
