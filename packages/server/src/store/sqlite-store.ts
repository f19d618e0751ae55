/**
 * The embedded Store: one SQLite file through better-sqlite3.
 *
 * Durability: WAL with `synchronous=NORMAL` (the default) survives a crash or SIGKILL of the
 * process: a committed transaction is in the WAL file, which the OS holds. An OS crash or power
 * loss may lose the last few transactions (the WAL is not fsynced at each commit). Choose
 * `synchronous: 'full'` to fsync every commit, at a large cost in publishes per second.
 *
 * better-sqlite3 is synchronous, so each write is one atomic step of the event loop and
 * sequences are assigned in commit order without locks.
 *
 * A `notification` event is not written twice: the user log reads it back from its
 * `notifications` row (its creation fields are immutable; state fields are left out), and
 * `user_events` holds only state changes. Writing the event payload again cost half of the
 * publish throughput (measured with bench/sqlite-publish.ts). Writes of one event-loop turn share a
 * commit (see `sqlite-group-commit.ts`); each still succeeds or fails alone.
 */
import type Database from 'better-sqlite3';
import type { Counts, InboxStatus, StateAction } from '@herald/protocol';
import { DuplicateIdError, StoreUnavailableError } from './errors.ts';
import { mapRejections } from './map-rejections.ts';
import { ACTION_SQL, STATUS_SQL, planPublish, toStored } from './rules.ts';
import { sqliteFault } from './sqlite-faults.ts';
import { createGroupCommit } from './sqlite-group-commit.ts';
import { SqliteHealth } from './sqlite-health.ts';
import { openSqlite } from './sqlite-open.ts';
import {
  INSERT_COLUMNS,
  NOTIFICATION_COLUMNS,
  type NotificationRow,
  type TopicEventRow,
  type UserEventRow,
  fromRow,
  insertValues,
  topicEventFromRow,
  userEventFromRow,
} from './sql-rows.ts';
import type { InboxQuery, LogPosition, PublishOutcome, Retention, StateTarget, Store, StoreHealthChange, TicketRecord, UserEvent } from './store.ts';

export interface SqliteStoreOptions {
  /**
   * The database file; created with its schema when absent. Anything unusable in its place (an
   * empty, corrupt or read-only file, a directory) throws `StoreOpenError`. Required.
   */
  path: string;
  /** `'normal'` (default): survives process crashes. `'full'`: also survives OS crashes; slower. */
  synchronous?: 'normal' | 'full';
  /** How long a write waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Called once each time the store stops or starts being able to write. Default: nothing. */
  onHealth?: (change: StoreHealthChange) => void;
  /** Opens the connection. Default `new Database(path)`; tests pass their own to inject faults. */
  open?: (path: string) => Database.Database;
  /** `ping` writes a probe row only when no write happened for this many ms. Default 1000. */
  probeEveryMs?: number;
}

const DEFAULTS = { synchronous: 'normal', busyTimeoutMs: 5000, probeEveryMs: 1000 } as const;

type Change = Extract<UserEvent, { type: 'notification.state' }>['change'];

/**
 * Opens (creating or migrating) the SQLite store at `options.path`. Storage faults (full disk,
 * I/O error, read-only file, corruption, lock, the file removed or replaced) reject with
 * `StoreUnavailableError`; a write is acknowledged only once committed into the file at `path`.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const opts = { ...DEFAULTS, ...options };
  const { db, epoch, lineage } = openSqlite(opts);
  const health = new SqliteHealth(opts.path, options.onHealth ?? (() => {}));

  const q = {
    findDedupe: db.prepare<[string, string], NotificationRow>(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE recipient = ? AND dedupe_key = ?`),
    idExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM notifications WHERE id = ?'),
    nextSeq: db.prepare<[string], { last: number }>(
      'INSERT INTO user_positions (user_id, last, trimmed) VALUES (?, 1, 0) ON CONFLICT (user_id) DO UPDATE SET last = last + 1 RETURNING last',
    ),
    insertNote: db.prepare(`INSERT INTO notifications (${INSERT_COLUMNS}) VALUES (${INSERT_COLUMNS.split(',').map(() => '?').join(', ')})`),
    insertEvent: db.prepare('INSERT INTO user_events (user_id, seq, at, type, payload) VALUES (?, ?, ?, ?, ?)'),
    stateEvents: db.prepare<[string, number, number], UserEventRow>('SELECT seq, at, type, payload FROM user_events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    noteEvents: db.prepare<[string, number, number], NotificationRow>(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE recipient = ? AND seq > ? ORDER BY seq LIMIT ?`),
    userPos: db.prepare<[string], LogPosition>('SELECT last, trimmed FROM user_positions WHERE user_id = ?'),
    nextTopicSeq: db.prepare<[], { last: number }>('UPDATE topic_position SET last = last + 1 WHERE id = 1 RETURNING last'),
    insertTopic: db.prepare('INSERT INTO topic_events (seq, topic, event, data, at) VALUES (?, ?, ?, ?, ?)'),
    topicEvents: db.prepare<[number, string, number], TopicEventRow>(
      'SELECT seq, topic, event, data, at FROM topic_events WHERE seq > ? AND topic IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?',
    ),
    topicPos: db.prepare<[], LogPosition>('SELECT last, trimmed FROM topic_position WHERE id = 1'),
    counts: db.prepare<[string, number], { total: number; unread: number | null; unseen: number | null }>(
      `SELECT COUNT(*) AS total, SUM(read_at IS NULL) AS unread, SUM(seen_at IS NULL) AS unseen FROM notifications
       WHERE recipient = ? AND archived_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
    ),
    saveTicket: db.prepare('INSERT OR REPLACE INTO tickets (hash, payload, expires_at) VALUES (?, ?, ?)'),
    takeTicket: db.prepare<[string], { payload: string; expires_at: number }>('DELETE FROM tickets WHERE hash = ? RETURNING payload, expires_at'),
    // The readiness probe: a one-row write, so a store that reads but cannot write is not ready.
    probe: db.prepare(`INSERT INTO meta (key, value) VALUES ('probe', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`),
  };
  const trimQ = {
    userByCount: db.prepare('UPDATE user_positions SET trimmed = last - @n WHERE last - @n > trimmed'),
    // The leading run is non-empty iff the first kept event (trimmed + 1) is older than the cutoff.
    userByAge: db.prepare(`
      UPDATE user_positions SET trimmed = COALESCE(
        (SELECT MIN(e.seq) - 1 FROM user_log e WHERE e.user_id = user_positions.user_id AND e.seq > user_positions.trimmed AND e.at >= @cutoff),
        last)
      WHERE EXISTS (SELECT 1 FROM user_log e WHERE e.user_id = user_positions.user_id AND e.seq = user_positions.trimmed + 1 AND e.at < @cutoff)`),
    userDelete: db.prepare('DELETE FROM user_events WHERE seq <= (SELECT p.trimmed FROM user_positions p WHERE p.user_id = user_events.user_id)'),
    topicByCount: db.prepare('UPDATE topic_position SET trimmed = last - @n WHERE last - @n > trimmed'),
    topicByAge: db.prepare(`
      UPDATE topic_position SET trimmed = COALESCE((SELECT MIN(seq) - 1 FROM topic_events WHERE seq > topic_position.trimmed AND at >= @cutoff), last)
      WHERE EXISTS (SELECT 1 FROM topic_events WHERE seq = topic_position.trimmed + 1 AND at < @cutoff)`),
    topicDelete: db.prepare('DELETE FROM topic_events WHERE seq <= (SELECT trimmed FROM topic_position WHERE id = 1)'),
    tickets: db.prepare('DELETE FROM tickets WHERE expires_at <= ?'),
  };

  /** Statements that depend on the query shape, prepared once per shape. */
  const shaped = new Map<string, Database.Statement>();
  const prepared = (key: string, sql: () => string) => {
    let s = shaped.get(key);
    if (!s) shaped.set(key, (s = db.prepare(sql())));
    return s;
  };

  const logEvent = (user: string, at: number, type: UserEvent['type'], payload: unknown) => {
    const seq = q.nextSeq.get(user)!.last;
    q.insertEvent.run(user, seq, at, type, JSON.stringify(payload));
    return seq;
  };

  const publishIn = (items: Parameters<Store['publish']>[0], now: number): PublishOutcome[] => {
    const plan = planPublish(items, (r, key) => {
      const row = q.findDedupe.get(r, key);
      return row && fromRow(row);
    });
    const created = plan.fresh.map((item) => {
      const seq = q.nextSeq.get(item.recipient)!.last;
      const values = insertValues(item, seq, now);
      try {
        q.insertNote.run(...values);
      } catch (err) {
        if (q.idExists.get(item.id)) throw new DuplicateIdError(item.id, { cause: err });
        throw err;
      }
      // The stored shape, with `data` parsed back from the JSON just written (never the caller's object).
      const notification = toStored(item, seq, now);
      if (notification.data !== undefined) notification.data = JSON.parse(values[8] as string) as Record<string, unknown>;
      return { user: item.recipient, seq, at: now, type: 'notification', notification } as const;
    });
    return plan.slots.map((s) =>
      'existing' in s
        ? { notification: s.existing, event: null }
        : { notification: structuredClone(created[s.fresh]!.notification), event: s.repeat ? null : created[s.fresh]! },
    );
  };

  const changeIn = (user: string, action: StateAction, target: StateTarget, now: number) => {
    const { set, when } = ACTION_SQL[action];
    const sets = set.replaceAll(':now', '@now');
    let change: Change;
    if ('all' in target) {
      const s = prepared(`all:${action}`, () => `UPDATE notifications SET ${sets} WHERE recipient = @user AND ${when}`);
      if (s.run({ user, now }).changes === 0) return { event: null };
      change = { action, all: true };
    } else {
      const s = prepared(`ids:${action}`, () => `UPDATE notifications SET ${sets} WHERE recipient = @user AND id IN (SELECT value FROM json_each(@ids)) AND ${when} RETURNING id`);
      const wanted = [...new Set(target.ids)];
      const changed = new Set((s.all({ user, now, ids: JSON.stringify(wanted) }) as { id: string }[]).map((r) => r.id));
      if (changed.size === 0) return { event: null };
      change = { action, ids: wanted.filter((id) => changed.has(id)) };
    }
    const seq = logEvent(user, now, 'notification.state', change);
    return { event: { user, seq, at: now, type: 'notification.state' as const, change } };
  };

  const appendIn = (topic: string, event: string, data: string, now: number) => {
    const seq = q.nextTopicSeq.get()!.last;
    q.insertTopic.run(seq, topic, event, data, now);
    return { seq, topic, event, data, at: now };
  };

  const trimIn = (r: Retention, now: number) => {
    if (Number.isFinite(r.userEventMaxCount)) trimQ.userByCount.run({ n: Math.max(0, r.userEventMaxCount) });
    if (Number.isFinite(r.userEventAgeMs)) trimQ.userByAge.run({ cutoff: now - r.userEventAgeMs });
    trimQ.userDelete.run();
    if (Number.isFinite(r.topicMaxCount)) trimQ.topicByCount.run({ n: Math.max(0, r.topicMaxCount) });
    if (Number.isFinite(r.topicAgeMs)) trimQ.topicByAge.run({ cutoff: now - r.topicAgeMs });
    trimQ.topicDelete.run();
    trimQ.tickets.run(now);
  };

  const commits = createGroupCommit(db, {
    admit: () => health.admit(),
    verify: () => health.verify(),
    isFault: (err) => err instanceof StoreUnavailableError || sqliteFault(err) !== null,
    committed: () => health.wrote(),
  });

  /**
   * Readiness answers from the latest write, whatever it was: a publish that just failed for a
   * full disk makes the store unready at once, one that committed makes it ready. Only after
   * `probeEveryMs` without any write does `ping` write a probe row itself (concurrent pings share
   * it), so an idle store still notices a fault, and recovers by itself when the fault clears.
   */
  let probing: Promise<void> | undefined;
  const ping = async (): Promise<void> => {
    if (health.sinceLastWrite() >= opts.probeEveryMs) {
      probing ??= commits
        .write(() => q.probe.run())
        .then(
          () => undefined,
          (err: unknown) => {
            const mapped = health.failed(err);
            if (!(mapped instanceof StoreUnavailableError)) throw mapped; // a bug, not the storage
          },
        )
        .finally(() => (probing = undefined));
      await probing;
    }
    health.verify();
    health.assertWritable();
  };

  const store: Store = {
    epoch,
    async publish(items, now) {
      return commits.write(() => publishIn(items, now));
    },
    async changeState(user, action, target, now) {
      return commits.write(() => changeIn(user, action, target, now));
    },
    async appendTopicEvent(topic, event, data, now) {
      return commits.write(() => appendIn(topic, event, data, now));
    },
    async userEventsSince(user, after, limit) {
      // Trimmed notification events are gone from the log even though their rows stay in the inbox.
      const from = Math.max(after, q.userPos.get(user)?.trimmed ?? 0);
      const notes = q.noteEvents.all(user, from, limit).map((r): UserEvent => {
        const { seenAt: _s, readAt: _r, archivedAt: _a, ...notification } = fromRow(r);
        return { user, seq: notification.seq, at: notification.createdAt, type: 'notification', notification };
      });
      const states = q.stateEvents.all(user, from, limit).map((r) => userEventFromRow(user, r));
      return [...notes, ...states].sort((a, b) => a.seq - b.seq).slice(0, Math.max(0, limit));
    },
    async topicEventsSince(after, topics, limit) {
      if (topics.length === 0) return [];
      return q.topicEvents.all(after, JSON.stringify(topics), limit).map(topicEventFromRow);
    },
    async userPosition(user) {
      return q.userPos.get(user) ?? { last: 0, trimmed: 0 };
    },
    async topicPosition() {
      return q.topicPos.get()!;
    },
    async listInbox(user, query: InboxQuery, now) {
      const s = prepared(`inbox:${query.status}:${query.category !== undefined}:${query.beforeSeq !== undefined}`, () => inboxSql(query));
      const params: unknown[] = [user, now];
      if (query.category !== undefined) params.push(query.category);
      if (query.beforeSeq !== undefined) params.push(query.beforeSeq);
      params.push(query.limit);
      return (s.all(...params) as NotificationRow[]).map(fromRow);
    },
    async counts(user, now): Promise<Counts> {
      const r = q.counts.get(user, now)!;
      return { unread: r.unread ?? 0, unseen: r.unseen ?? 0, total: r.total };
    },
    async trim(retention, now) {
      const generation = await commits.write(() => {
        trimIn(retention, now);
        return lineage.advanceIn();
      });
      lineage.recorded(generation);
    },
    async saveTicket(hash, ticket: TicketRecord) {
      await commits.write(() => q.saveTicket.run(hash, JSON.stringify(ticket), ticket.expiresAt));
    },
    async takeTicket(hash, now) {
      const row = await commits.write(() => q.takeTicket.get(hash));
      return row && row.expires_at > now ? (JSON.parse(row.payload) as TicketRecord) : null;
    },
    ping,
    health: () => health.snapshot(),
    async close() {
      if (!db.open) return;
      commits.flush();
      // A clean stop advances the lineage, so a copy of the file taken while running is seen as
      // older at the next start. A store that cannot write any more closes without it.
      try {
        lineage.recorded(db.transaction(() => lineage.advanceIn()).immediate());
      } catch {
        // the fault was already reported by the write that met it
      }
      db.close();
    },
  };
  return mapRejections(store, (err) => health.failed(err));
}

function inboxSql(query: InboxQuery): string {
  const where = [`recipient = ?`, `(expires_at IS NULL OR expires_at > ?)`, STATUS_SQL[query.status satisfies InboxStatus]];
  if (query.category !== undefined) where.push('category = ?');
  if (query.beforeSeq !== undefined) where.push('seq < ?');
  return `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`;
}
