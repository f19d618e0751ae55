/**
 * The scale-out Store: Postgres, shared by every Herald process.
 *
 * Sequences: a user's next seq comes from its `user_positions` row, bumped with
 * INSERT … ON CONFLICT DO UPDATE … RETURNING inside the writing transaction. The row lock is held
 * until commit, so a concurrent writer to the same user waits and gets the next number only
 * after the first commits: gap-free, and commit order equals seq order (readers never see seq
 * n+1 before n). The topic log does the same with its single `topic_position` row.
 * A publish costs five round trips whatever its number of recipients (arrays via `unnest`).
 */
import pg from 'pg';
import type { Counts, StateAction } from '@herald/protocol';
import { DuplicateIdError, StoreUnavailableError } from './errors.ts';
import { inTransaction, pgError } from './postgres-tx.ts';
import { migratePostgres } from './postgres-schema.ts';
import { PostgresHealth, watchHealth } from './postgres-health.ts';
import { ACTION_SQL, STATUS_SQL, planPublish, toStored } from './rules.ts';
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
import { slowQueries } from './postgres-tx.ts';
import type { InboxQuery, LogPosition, NewNotification, PublishOutcome, Retention, StateTarget, Store, StoreHealthChange, StoredNotification, TicketRecord, UserEvent } from './store.ts';

export type PostgresStoreOptions = (
  | {
      /** A pool you own: the store never ends it. Its search_path picks the schema. */
      pool: pg.Pool;
    }
  | {
      /** `postgres://` URL; the store creates a pool and ends it on close. */
      url: string;
      /** Pool size when created from `url`. Default 10. */
      max?: number;
      /**
       * How long a query may wait for a connection (a new one, or a free one of the pool) before
       * failing with `unavailable`. Default 10000 ms: long enough to queue through a reconnect storm.
       */
      connectTimeoutMs?: number;
      /**
       * How long a query may wait for Postgres's answer before failing with `unavailable` (and its
       * connection leaving the pool). Default 10000 ms. Without it a Postgres that hangs (a
       * network partition that drops packets, a paused server) holds every request that touches
       * the store for as long as it hangs. Migrations and trims get longer (see `SLOW_QUERY_MS`).
       */
      queryTimeoutMs?: number;
    }
) & {
  /** Called once each time the store stops or starts being able to serve (for the log). Default: nothing. */
  onHealth?: (change: StoreHealthChange) => void;
};

const DEFAULTS = { max: 10, connectTimeoutMs: 10_000, queryTimeoutMs: 10_000 } as const;
/** Every table Herald needs, for the readiness probe. */
const HERALD_TABLES = ['herald_meta', 'notifications', 'user_positions', 'user_events', 'topic_position', 'topic_events', 'tickets'];
const INSERT_TYPES = ['text', 'text', 'bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'text'];
type Change = Extract<UserEvent, { type: 'notification.state' }>['change'];

/** Connects, migrates (safe with concurrent starters) and returns the store. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const owned = 'url' in options;
  const pool =
    'url' in options
      ? new pg.Pool({
          connectionString: options.url,
          max: options.max ?? DEFAULTS.max,
          connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
          query_timeout: options.queryTimeoutMs ?? DEFAULTS.queryTimeoutMs,
        })
      : options.pool;
  // An idle client whose server went away emits 'error' on the pool; unheard, that would crash the
  // process. The pool already drops the client, and the next query reports `unavailable`.
  if (owned) pool.on('error', () => {});
  let epoch: string;
  try {
    epoch = await migratePostgres(pool);
  } catch (err) {
    if (owned) await pool.end();
    throw err;
  }
  let closed = false;

  const nextSeq = async (c: pg.PoolClient, user: string) => {
    const r = await c.query<{ last: string }>(
      'INSERT INTO user_positions (user_id, last, trimmed) VALUES ($1, 1, 0) ON CONFLICT (user_id) DO UPDATE SET last = user_positions.last + 1 RETURNING last',
      [user],
    );
    return Number(r.rows[0]!.last);
  };

  async function publishIn(c: pg.PoolClient, items: NewNotification[], now: number): Promise<PublishOutcome[]> {
    const existing = new Map<string, StoredNotification>();
    const keyed = items.filter((i) => i.dedupeKey !== undefined);
    if (keyed.length > 0) {
      const found = await c.query<NotificationRow & { dedupe_key: string }>(
        `SELECT ${NOTIFICATION_COLUMNS}, dedupe_key FROM notifications n
         JOIN unnest($1::text[], $2::text[]) AS k(r, d) ON n.recipient = k.r AND n.dedupe_key = k.d`,
        [keyed.map((i) => i.recipient), keyed.map((i) => i.dedupeKey)],
      );
      for (const row of found.rows) existing.set(`${row.recipient}\u0000${row.dedupe_key}`, fromRow(row));
    }
    const plan = planPublish(items, (r, key) => existing.get(`${r}\u0000${key}`));
    const created: Extract<UserEvent, { type: 'notification' }>[] = [];
    if (plan.fresh.length > 0) {
      const perUser = new Map<string, number>();
      for (const item of plan.fresh) perUser.set(item.recipient, (perUser.get(item.recipient) ?? 0) + 1);
      // Rows locked in user order, so two multi-recipient publishes cannot deadlock each other.
      const users = [...perUser.keys()].sort();
      const bumped = await c.query<{ user_id: string; last: string }>(
        `INSERT INTO user_positions (user_id, last, trimmed)
         SELECT u, n, 0 FROM unnest($1::text[], $2::bigint[]) AS t(u, n) ORDER BY u
         ON CONFLICT (user_id) DO UPDATE SET last = user_positions.last + EXCLUDED.last RETURNING user_id, last`,
        [users, users.map((u) => perUser.get(u))],
      );
      const next = new Map(bumped.rows.map((r) => [r.user_id, Number(r.last) - perUser.get(r.user_id)! + 1]));
      const rows = plan.fresh.map((item) => {
        const seq = next.get(item.recipient)!;
        next.set(item.recipient, seq + 1);
        return insertValues(item, seq, now);
      });
      const columns = INSERT_TYPES.map((_, i) => rows.map((r) => r[i]));
      try {
        await c.query(
          `INSERT INTO notifications (${INSERT_COLUMNS}) SELECT * FROM unnest(${INSERT_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
          columns,
        );
      } catch (err) {
        const e = pgError(err);
        if (e.code === '23505' && e.constraint === 'notifications_pkey') {
          throw new DuplicateIdError(/\(id\)=\((.*)\)/.exec(e.detail ?? '')?.[1] ?? plan.fresh[0]!.id, { cause: err });
        }
        throw err;
      }
      plan.fresh.forEach((item, i) => {
        const n = toStored(item, rows[i]![2] as number, now);
        if (n.data !== undefined) n.data = JSON.parse(rows[i]![8] as string) as Record<string, unknown>;
        created.push({ user: item.recipient, seq: n.seq, at: now, type: 'notification', notification: n });
      });
      await c.query(
        `INSERT INTO user_events (user_id, seq, at, type, payload)
         SELECT u, s, $3, 'notification', p FROM unnest($1::text[], $2::bigint[], $4::text[]) AS t(u, s, p)`,
        [created.map((e) => e.user), created.map((e) => e.seq), now, created.map((e) => JSON.stringify(e.notification))],
      );
    }
    return plan.slots.map((s) =>
      'existing' in s
        ? { notification: s.existing, event: null }
        : { notification: structuredClone(created[s.fresh]!.notification), event: s.repeat ? null : created[s.fresh]! },
    );
  }

  async function changeIn(c: pg.PoolClient, user: string, action: StateAction, target: StateTarget, now: number) {
    const { set, when } = ACTION_SQL[action];
    const params: unknown[] = [user];
    let filter = '';
    const wanted = 'all' in target ? [] : [...new Set(target.ids)];
    if (!('all' in target)) {
      params.push(wanted);
      filter = `AND id = ANY($${params.length}::text[])`;
    }
    let sets = set;
    if (set.includes(':now')) {
      params.push(now);
      sets = set.replaceAll(':now', `$${params.length}::bigint`);
    }
    const r = await c.query<{ id: string }>(`UPDATE notifications SET ${sets} WHERE recipient = $1 ${filter} AND ${when} RETURNING id`, params);
    if (r.rows.length === 0) return { event: null };
    const changed = new Set(r.rows.map((row) => row.id));
    const change: Change = 'all' in target ? { action, all: true } : { action, ids: wanted.filter((id) => changed.has(id)) };
    const seq = await nextSeq(c, user);
    await c.query(`INSERT INTO user_events (user_id, seq, at, type, payload) VALUES ($1, $2, $3, 'notification.state', $4)`, [user, seq, now, JSON.stringify(change)]);
    return { event: { user, seq, at: now, type: 'notification.state' as const, change } };
  }

  async function trimIn(pc: pg.PoolClient, r: Retention, now: number) {
    const c = slowQueries(pc); // a trim of a large backlog may take longer than a request's deadline
    const ageUpdate = (table: string, events: string, match: string) => `
      UPDATE ${table} p SET trimmed = COALESCE((SELECT MIN(e.seq) - 1 FROM ${events} e WHERE ${match} AND e.seq > p.trimmed AND e.at >= $1), p.last)
      WHERE EXISTS (SELECT 1 FROM ${events} e WHERE ${match} AND e.seq = p.trimmed + 1 AND e.at < $1)`;
    if (Number.isFinite(r.userEventMaxCount)) await c.query('UPDATE user_positions SET trimmed = last - $1 WHERE last - $1 > trimmed', [Math.max(0, r.userEventMaxCount)]);
    if (Number.isFinite(r.userEventAgeMs)) await c.query(ageUpdate('user_positions', 'user_events', 'e.user_id = p.user_id'), [now - r.userEventAgeMs]);
    await c.query('DELETE FROM user_events e USING user_positions p WHERE e.user_id = p.user_id AND e.seq <= p.trimmed');
    if (Number.isFinite(r.topicMaxCount)) await c.query('UPDATE topic_position SET trimmed = last - $1 WHERE last - $1 > trimmed', [Math.max(0, r.topicMaxCount)]);
    if (Number.isFinite(r.topicAgeMs)) await c.query(ageUpdate('topic_position', 'topic_events', 'true'), [now - r.topicAgeMs]);
    await c.query('DELETE FROM topic_events WHERE seq <= (SELECT trimmed FROM topic_position WHERE id = 1)');
    await c.query('DELETE FROM tickets WHERE expires_at <= $1', [now]);
  }

  const position = (row: { last: string; trimmed: string } | undefined): LogPosition =>
    row ? { last: Number(row.last), trimmed: Number(row.trimmed) } : { last: 0, trimmed: 0 };

  const health = new PostgresHealth(options.onHealth ?? (() => {}));
  return watchHealth<Store>({
    epoch,
    health: () => health.snapshot(),
    publish: (items, now) => inTransaction(pool, (c) => publishIn(c, items, now)),
    changeState: (user, action, target, now) => inTransaction(pool, (c) => changeIn(c, user, action, target, now)),
    appendTopicEvent: (topic, event, data, now) =>
      inTransaction(pool, async (c) => {
        const r = await c.query<{ last: string }>('UPDATE topic_position SET last = last + 1 WHERE id = 1 RETURNING last');
        const seq = Number(r.rows[0]!.last);
        await c.query('INSERT INTO topic_events (seq, topic, event, data, at) VALUES ($1, $2, $3, $4, $5)', [seq, topic, event, data, now]);
        return { seq, topic, event, data, at: now };
      }),
    async userEventsSince(user, after, limit) {
      // Clamped at the trimmed point like every store (a trim deletes these rows in the same
      // transaction; the clamp keeps the contract independent of how a trim is written).
      const r = await pool.query<UserEventRow>(
        `SELECT seq, at, type, payload FROM user_events
         WHERE user_id = $1 AND seq > GREATEST($2::bigint, COALESCE((SELECT trimmed FROM user_positions WHERE user_id = $1), 0))
         ORDER BY seq LIMIT $3`,
        [user, after, limit],
      );
      return r.rows.map((row) => userEventFromRow(user, row));
    },
    async topicEventsSince(after, topics, limit) {
      if (topics.length === 0) return [];
      const r = await pool.query<TopicEventRow>('SELECT seq, topic, event, data, at FROM topic_events WHERE seq > $1 AND topic = ANY($2::text[]) ORDER BY seq LIMIT $3', [after, topics, limit]);
      return r.rows.map(topicEventFromRow);
    },
    async userPosition(user) {
      return position((await pool.query('SELECT last, trimmed FROM user_positions WHERE user_id = $1', [user])).rows[0]);
    },
    async topicPosition() {
      return position((await pool.query('SELECT last, trimmed FROM topic_position WHERE id = 1')).rows[0]);
    },
    async listInbox(user, query: InboxQuery, now) {
      const params: unknown[] = [user, now];
      const where = ['recipient = $1', '(expires_at IS NULL OR expires_at > $2)', STATUS_SQL[query.status]];
      if (query.category !== undefined) where.push(`category = $${params.push(query.category)}`);
      if (query.beforeSeq !== undefined) where.push(`seq < $${params.push(query.beforeSeq)}`);
      const sql = `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.push(query.limit)}`;
      return (await pool.query<NotificationRow>(sql, params)).rows.map(fromRow);
    },
    async counts(user, now): Promise<Counts> {
      const r = await pool.query<{ total: string; unread: string; unseen: string }>(
        `SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE read_at IS NULL) AS unread, COUNT(*) FILTER (WHERE seen_at IS NULL) AS unseen
         FROM notifications WHERE recipient = $1 AND archived_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
        [user, now],
      );
      const row = r.rows[0]!;
      return { unread: Number(row.unread), unseen: Number(row.unseen), total: Number(row.total) };
    },
    trim: (retention, now) => inTransaction(pool, (c) => trimIn(c, retention, now)),
    async saveTicket(hash, ticket: TicketRecord) {
      await pool.query(
        'INSERT INTO tickets (hash, payload, expires_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO UPDATE SET payload = EXCLUDED.payload, expires_at = EXCLUDED.expires_at',
        [hash, JSON.stringify(ticket), ticket.expiresAt],
      );
    },
    async takeTicket(hash, now) {
      const r = await pool.query<{ payload: string; expires_at: string }>('DELETE FROM tickets WHERE hash = $1 RETURNING payload, expires_at', [hash]);
      const row = r.rows[0];
      return row && Number(row.expires_at) > now ? (JSON.parse(row.payload) as TicketRecord) : null;
    },
    async ping() {
      // Ready means "takes writes", as on SQLite: a standby answers SELECT 1 while refusing every
      // publish, and a dropped table only shows when it is named. One round trip, no row written,
      // and no table lock (to_regclass reads the catalog), so a long ALTER or VACUUM FULL cannot
      // pile readiness probes up on the pool.
      const r = await pool.query<{ ro: string; missing: number }>(
        `SELECT current_setting('transaction_read_only') AS ro,
                (SELECT COUNT(*)::int FROM unnest($1::text[]) AS t(name) WHERE to_regclass(t.name) IS NULL) AS missing`,
        [HERALD_TABLES],
      );
      if (r.rows[0]!.missing > 0) throw new StoreUnavailableError('schema_missing');
      if (r.rows[0]!.ro === 'on') throw new StoreUnavailableError('read_only');
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await pool.end();
    },
  }, health);
}
