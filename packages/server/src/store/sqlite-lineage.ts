/**
 * Telling a restored backup from the database this data dir last ran, so that it gets a new epoch.
 *
 * Why: a backup of `herald.db` carries the epoch of the live file. Restored over it, its user
 * logs stop at older sequences; the next publishes reuse the sequences that clients already
 * passed in the newer file, so a resume with their cursors would skip those items in silence
 * (DESIGN §2: a cursor from another history must get `reset`). The cursor alone cannot see it.
 *
 * How: a generation number lives in the database (`meta.generation`) and, written after each
 * commit of it, in a file beside it (`herald.db.lineage`). The store advances it at every open,
 * periodic trim and clean close. In one lineage the file never holds more than the database (it is
 * written only after the database committed that value); a database older than the file is a
 * restored copy, and gets a new epoch before any stream reads it. A copy of the live file taken
 * since the last advance (at most a trim period before a crash; none before a clean stop) still
 * looks current. Losing the file only loses the check; a file ahead of the database after an OS
 * crash (`synchronous=normal` may lose the last commits) rotates the epoch, which is right then:
 * acknowledged items may be gone, and clients should refetch.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { newEpoch } from './rules.ts';

/** The file beside the database that remembers the newest generation this data dir ran. */
export const lineagePath = (dbPath: string): string => `${dbPath}.lineage`;

/** Pure: whether a database at generation `inDb` is older than the one last run here (`onDisk`). */
export function isRestoredCopy(inDb: number, onDisk: number | undefined): boolean {
  return onDisk !== undefined && onDisk > inDb;
}

function readOnDisk(dbPath: string): number | undefined {
  try {
    const n = Number(readFileSync(lineagePath(dbPath), 'utf8').trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined; // none yet (a new store, or one from before this check): nothing to compare
  }
}

function writeOnDisk(dbPath: string, generation: number): void {
  const file = lineagePath(dbPath);
  // One temp file per process: workers sharing the data dir never interleave in one file. Of two
  // racing renames the older value may win; a file behind the database only skips the check.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${generation}\n`);
    renameSync(tmp, file);
  } catch {
    // A data dir that refuses this small file refuses the database too, and the store's own
    // health reports that; the lineage check is only skipped until the file can be written.
  }
}

/** Owns the generation of one open SQLite database. */
export class SqliteLineage {
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #get: Database.Statement<[string], { value: string }>;
  readonly #set: Database.Statement<[string, string]>;

  constructor(db: Database.Database, dbPath: string) {
    this.#db = db;
    this.#path = dbPath;
    this.#get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.#set = db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  /**
   * At open, after migration: a restored copy gets a new epoch. Returns the epoch to serve and
   * whether it was rotated for that reason.
   */
  open(epoch: string): { epoch: string; restored: boolean } {
    const onDisk = readOnDisk(this.#path);
    let restored = false;
    const generation = this.#db
      .transaction(() => {
        const inDb = this.#generation();
        restored = isRestoredCopy(inDb, onDisk);
        if (restored) {
          epoch = newEpoch();
          this.#set.run('epoch', epoch);
        }
        const next = Math.max(inDb, onDisk ?? 0) + 1;
        this.#set.run('generation', String(next));
        return next;
      })
      .immediate();
    writeOnDisk(this.#path, generation);
    return { epoch, restored };
  }

  /** One step of the generation, in the caller's transaction; call `recorded` after its commit. */
  advanceIn(): number {
    const next = this.#generation() + 1;
    this.#set.run('generation', String(next));
    return next;
  }

  /** Remembers a committed generation beside the database. */
  recorded(generation: number): void {
    writeOnDisk(this.#path, generation);
  }

  #generation(): number {
    const n = Number(this.#get.get('generation')?.value ?? 0);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  }
}
