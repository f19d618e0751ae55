/**
 * More workers than CPU cores is allowed (more streams than one process's file limit holds) but is
 * often a number copied from a bigger machine: each worker costs its own memory. `herald serve`
 * says so in one `herald:` line at start-up, then runs.
 */
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { canConnect, missing } from '../support/requires.ts';
import { cleanup, startHerald } from './support/herald-process.ts';

afterAll(cleanup);
const skip = missing({ 'redis on 127.0.0.1:6379': await canConnect(6379, '127.0.0.1') });

describe.skipIf(skip)('HERALD_WORKERS above the CPU cores', () => {
  it('starts, and says in one herald: line that the workers outnumber the cores', { timeout: 180_000 }, async () => {
    const cores = availableParallelism();
    const workers = cores + 1;
    const herald = await startHerald({ env: { REDIS_URL: 'redis://127.0.0.1:6379', HERALD_WORKERS: String(workers) } });
    try {
      const lines = herald.output().split('\n').filter((l) => l.startsWith('herald: '));
      expect(lines).toEqual([`herald: HERALD_WORKERS=${workers} is more than the ${cores} CPU cores here: each worker costs its own memory, and workers beyond the cores only help to hold more streams, not to serve faster.`]);
      expect((await fetch(`${herald.url}/healthz`)).status).toBe(200);
    } finally {
      expect((await herald.stop()).code).toBe(0);
    }
  });
});
