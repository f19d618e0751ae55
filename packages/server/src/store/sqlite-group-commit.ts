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

export function createGroupCommit(db: Database.Database): GroupCommit {
  const queue: Job[] = [];
  let scheduled = false;
  const batch = db.transaction((jobs: Job[]) => jobs.map((job) => job.run()));
  const alone = db.transaction((job: Job) => job.run());

  function flush(): void {
    scheduled = false;
    while (queue.length > 0) {
      const jobs = queue.splice(0, MAX_BATCH);
      let out: Outcome[];
      try {
        out = batch.immediate(jobs).map((value) => ({ ok: true, value }));
      } catch {
        // Rolled back whole: replay one by one so only the failing write fails.
        out = jobs.map((job) => {
          try {
            return { ok: true, value: alone.immediate(job) };
          } catch (error) {
            return { ok: false, error };
          }
        });
      }
      jobs.forEach((job, i) => {
        const o = out[i]!;
        if (o.ok) job.resolve(o.value);
        else job.reject(o.error);
      });
    }
  }

  return {
    write<T>(run: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
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
