/**
 * The SQLite schema, as ordered migrations. `meta` holds `schema_version` and the store `epoch`.
 * Migrations run at open inside `BEGIN IMMEDIATE`, so two processes opening one file at once
 * serialize on the write lock and the second sees the first's work.
 */
import type Database from 'better-sqlite3';
import { StoreOpenError } from './errors.ts';
import { newEpoch } from './rules.ts';

/** Never edit a shipped migration; append a new one. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    seq INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT,
    severity TEXT NOT NULL,
    category TEXT,
    url TEXT,
    data TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    seen_at INTEGER,
    read_at INTEGER,
    archived_at INTEGER,
    dedupe_key TEXT
  );
  CREATE UNIQUE INDEX notifications_by_user ON notifications (recipient, seq);
  CREATE UNIQUE INDEX notifications_dedupe ON notifications (recipient, dedupe_key) WHERE dedupe_key IS NOT NULL;
  CREATE TABLE user_positions (
    user_id TEXT PRIMARY KEY,
    last INTEGER NOT NULL,
    trimmed INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- Only notification.state events: a notification event is its notifications row (see user_log).
  CREATE TABLE user_events (
    user_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
  );
  -- Every user event's (user, seq, at), for trimming by age across both sources.
  CREATE VIEW user_log AS
    SELECT recipient AS user_id, seq, created_at AS at FROM notifications
    UNION ALL SELECT user_id, seq, at FROM user_events;
  CREATE TABLE topic_position (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL,
    trimmed INTEGER NOT NULL
  );
  INSERT INTO topic_position (id, last, trimmed) VALUES (1, 0, 0);
  CREATE TABLE topic_events (
    seq INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    event TEXT NOT NULL,
    data TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE TABLE tickets (
    hash TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];

/** Creates or upgrades the schema and returns the epoch (created on first open). `file` names it in errors. */
export function migrateSqlite(db: Database.Database, file = 'herald.db'): string {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const run = db.transaction(() => {
    const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    const set = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    const version = Number(get.get('schema_version')?.value ?? 0);
    if (version > SQLITE_MIGRATIONS.length) {
      throw new StoreOpenError(`${file} has schema version ${version}, newer than this Herald (${SQLITE_MIGRATIONS.length}): upgrade Herald`);
    }
    for (let v = version; v < SQLITE_MIGRATIONS.length; v++) db.exec(SQLITE_MIGRATIONS[v]!);
    set.run('schema_version', String(SQLITE_MIGRATIONS.length));
    let epoch = get.get('epoch')?.value;
    if (epoch === undefined) {
      epoch = newEpoch();
      set.run('epoch', epoch);
    }
    return epoch;
  });
  return run.immediate();
}
