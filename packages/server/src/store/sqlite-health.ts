/**
 * The one owner of a SQLite store's health: which storage fault it last met, whether writes are
 * refused for good, and whether the database file is still the one it opened.
 *
 * Why the file check: a connection keeps writing into a file that was unlinked (the data dir
 * deleted) or renamed over (a restore copied into place) without any error, since the open file
 * descriptor still works. Every such write would be acknowledged and then be gone at the next
 * start. So before acknowledging a commit the store compares the path's device and inode with
 * those it opened (one `stat`, a few microseconds per group commit, not per write). The open
 * connection keeps the old inode alive, so its number cannot be reused by a new file.
 */
import { statSync } from 'node:fs';
import { StoreUnavailableError, type StoreFault } from './errors.ts';
import { FaultLog } from './fault-log.ts';
import { isLasting, sqliteFault } from './sqlite-faults.ts';
import type { StoreHealth, StoreHealthChange } from './store.ts';

const DETAIL: Record<StoreFault, string> = {
  disk_full: 'the disk is full: writes answer 503 until space is freed',
  io_error: 'the disk failed a read or write: writes answer 503 until it works again',
  read_only: 'the file or its file system refuses writes: writes answer 503 until it is writable',
  corrupt: 'the database file is corrupt: writes answer 503 until Herald is restarted on a sound file (restore a backup)',
  busy: 'another process holds the database lock: writes answer 503 until it lets go',
  cannot_open: 'a database file cannot be opened: writes answer 503 until it can',
  file_moved: 'the database file was removed or replaced while open: writes answer 503 until Herald is restarted (nothing written since was acknowledged)',
  unreachable: 'the database cannot be reached',
  schema_missing: 'a Herald table is missing from the database',
};

export class SqliteHealth {
  readonly #path: string;
  readonly #identity: { dev: number; ino: number };
  /** The fault of the last write, while it lasts, and the counts. */
  readonly #log: FaultLog;
  /** Set once a lasting fault is met: every write is refused from then on. */
  #lost: StoreUnavailableError | undefined;
  /** When the last write committed or met a fault (`performance.now()`: a monotonic timer, never stored). */
  #lastWriteAt = -Infinity;

  /** Call right after opening `path`: its identity now is the file the connection holds. */
  constructor(path: string, onChange: (change: StoreHealthChange) => void) {
    this.#path = path;
    this.#log = new FaultLog(onChange);
    const st = statSync(path);
    this.#identity = { dev: st.dev, ino: st.ino };
  }

  /** Throws when writes are refused for good (the file is lost or corrupt). No I/O. */
  admit(): void {
    if (this.#lost) throw this.#lost;
  }

  /**
   * Throws the `StoreUnavailableError` a write must be refused with: the file is lost, or is not
   * (any longer) the file the connection writes to. Call before writing and before acknowledging.
   */
  verify(): void {
    if (this.#lost) throw this.#lost;
    const fault = this.#fileFault();
    if (!fault) return;
    this.#met(fault);
    throw this.#lost ?? new StoreUnavailableError(fault);
  }

  /**
   * Records a failure; returns what the caller should throw: a `StoreUnavailableError` for a
   * storage fault, else `err` unchanged (a bug or a constraint: not a fault of the storage).
   */
  failed(err: unknown): unknown {
    if (err instanceof StoreUnavailableError) return err;
    const fault = sqliteFault(err);
    if (!fault) return err;
    this.#met(fault);
    return new StoreUnavailableError(fault, { cause: err });
  }

  /** A write committed: a passing fault is over. */
  wrote(): void {
    this.#lastWriteAt = performance.now();
    if (!this.#lost) this.#log.clear(`${this.#path} takes writes again`);
  }

  /** Milliseconds since the last write committed or met a fault (Infinity before the first). */
  sinceLastWrite(): number {
    return performance.now() - this.#lastWriteAt;
  }

  /** Throws the fault of the latest write, if it failed (or the lasting one). */
  assertWritable(): void {
    if (this.#lost) throw this.#lost;
    if (this.#log.fault) throw new StoreUnavailableError(this.#log.fault);
  }

  snapshot(): StoreHealth {
    return this.#log.snapshot(this.#lost?.fault);
  }

  #met(fault: StoreFault): void {
    this.#lastWriteAt = performance.now();
    this.#log.count(fault);
    if (this.#lost) return;
    if (isLasting(fault)) this.#lost = new StoreUnavailableError(fault);
    this.#log.enter(fault, `${this.#path}: ${DETAIL[fault]}`);
  }

  #fileFault(): StoreFault | null {
    let st;
    try {
      st = statSync(this.#path, { throwIfNoEntry: false });
    } catch (err) {
      // A file where the data dir was is as gone as no dir; anything else (EIO, EACCES) is not proof.
      return (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'file_moved' : 'io_error';
    }
    if (!st) return 'file_moved';
    return st.dev === this.#identity.dev && st.ino === this.#identity.ino ? null : 'file_moved';
  }
}
