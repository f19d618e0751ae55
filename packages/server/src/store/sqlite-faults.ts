/**
 * Which SQLite errors are storage faults (the disk, the file, a lock: retry later, 503) rather
 * than bugs (a bad statement, a constraint: 500). The one place that reads SQLite result codes.
 * better-sqlite3 puts the extended code in `err.code`, e.g. `SQLITE_IOERR_WRITE`,
 * `SQLITE_READONLY_DBMOVED`; see https://www.sqlite.org/rescode.html.
 */
import type { StoreFault } from './errors.ts';

/** Primary result code → fault. Extended codes are matched by their primary prefix. */
const FAULTS: Record<string, StoreFault> = {
  SQLITE_FULL: 'disk_full',
  SQLITE_IOERR: 'io_error',
  SQLITE_READONLY: 'read_only',
  SQLITE_PERM: 'read_only',
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_NOTADB: 'corrupt',
  SQLITE_CANTOPEN: 'cannot_open',
  SQLITE_BUSY: 'busy',
  SQLITE_LOCKED: 'busy',
  SQLITE_PROTOCOL: 'busy',
};

/** Extended codes whose meaning differs from their primary code. */
const EXTENDED: Record<string, StoreFault> = {
  // SQLite noticed itself that the file was renamed or unlinked under an open connection.
  SQLITE_READONLY_DBMOVED: 'file_moved',
};

/** The storage fault `err` reports, or null when it is not one (a bug, a constraint, bad input). */
export function sqliteFault(err: unknown): StoreFault | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (EXTENDED[code]) return EXTENDED[code];
  const primary = /^SQLITE_[A-Z]+/.exec(code)![0];
  return FAULTS[primary] ?? null;
}

/** Faults that do not heal by themselves: once met, writes stay refused until a restart. */
export function isLasting(fault: StoreFault): boolean {
  return fault === 'corrupt' || fault === 'file_moved';
}
