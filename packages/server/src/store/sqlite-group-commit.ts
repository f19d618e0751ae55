/**
 * Group commit for SQLite. A commit costs far more than the few row writes of a publish (WAL
 * frame append, wal-index update), so writes that arrive in the same event-loop turn share one
 * transaction, and every promise settles only after that COMMIT. Order is FIFO, so sequences
 * still follow commit order.
 *
 * A failing write must fail alone. Savepoints per write would do it but cost about as much as
 * the writes, so the fast path runs the batch bare; if any write throws, the whole batch rolls
 * back and each write is replayed in its own transaction. Replay is exact because a job is a
 * pure function of the database and its arguments (times are injected, never read).
 *
 * A storage fault (full disk, I/O error, lock, …) is not one write's fault: the batch is refused
 * whole, without replay. Replaying would fail the same way, and a held lock would block the
 * event loop for the busy timeout once per write. No write of a failed batch is acknowledged.
 */
import type Database from 'better-sqlite3';

interface Job {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** At most this many writes share one commit (bounds the time the write lock is held). */
const MAX_BATCH = 512;

export interface GroupCommit {
  /** Queues `run` (plain statements, no transaction of its own) for the next commit. */
  write<T>(run: () => T): Promise<T>;
  /** Commits whatever is queued now (before close). */
  flush(): void;
}

/** How the store's health takes part in each commit. Defaults: no checks. */
export interface CommitChecks {
  /** Throws when writes are refused for good; called before a batch (no I/O: it runs per batch). */
  admit(): void;
  /** Throws when a committed batch must not be acknowledged (the file is not the one written). */
  verify(): void;
  /** Whether an error is a storage fault (refuse the batch whole) rather than one write's. */
  isFault(err: unknown): boolean;
  /** A batch committed and is being acknowledged. */
  committed(): void;
}

const NO_CHECKS: CommitChecks = { admit() {}, verify() {}, isFault: () => false, committed() {} };

export function createGroupCommit(db: Database.Database, checks: CommitChecks = NO_CHECKS): GroupCommit {
  const queue: Job[] = [];
  let scheduled = false;
  const batch = db.transaction((jobs: Job[]) => jobs.map((job) => job.run()));
  const alone = db.transaction((job: Job) => job.run());

  /**
   * A transaction can be left open when its ROLLBACK failed (after an I/O error). better-sqlite3
   * would then run the next batch as a SAVEPOINT inside it, and "commit" it with RELEASE: the
   * writes would be acknowledged yet never committed. Close it first, or refuse.
   */
  function outsideTransaction(): void {
    if (db.inTransaction) db.exec('ROLLBACK');
  }

  function run(jobs: Job[]): Outcome[] {
    try {
      checks.admit();
      outsideTransaction();
      return batch.immediate(jobs).map((value) => ({ ok: true, value }));
    } catch (error) {
      if (checks.isFault(error)) return jobs.map(() => ({ ok: false, error }));
    }
    // Rolled back whole for one write's error: replay one by one so only the failing write fails.
    return jobs.map((job) => {
      try {
        outsideTransaction();
        return { ok: true, value: alone.immediate(job) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  function flush(): void {
    scheduled = false;
    while (queue.length > 0) {
      const jobs = queue.splice(0, MAX_BATCH);
      let out = run(jobs);
      if (out.some((o) => o.ok)) {
        try {
          // Committed, but into the file we opened: if that is no longer the file at the path,
          // a restart would not see it, so it must not be acknowledged.
          checks.verify();
          checks.committed();
        } catch (error) {
          out = out.map((o) => (o.ok ? { ok: false, error } : o));
        }
      }
      jobs.forEach((job, i) => {
        const o = out[i]!;
        if (o.ok) job.resolve(o.value);
        else job.reject(o.error);
      });
    }
  }

  return {
    write<T>(job: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ run: job, resolve: resolve as (v: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          // setImmediate, not a microtask: requests parsed in one I/O phase then share a commit.
          setImmediate(flush);
        }
      });
    },
    flush,
  };
}
