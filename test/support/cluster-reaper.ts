/**
 * Children the cluster tests started are SIGKILLed (by PID) when the test process exits, even
 * when afterAll never runs (a runner that is itself killed), so no Redis, Postgres or Herald
 * outlives the suite.
 */
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let hooked = false;

/** Tracks a child until it exits. */
export function reap(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
  }
  return child;
}
