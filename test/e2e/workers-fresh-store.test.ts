/**
 * Workers started together on a fresh SQLite data dir share one file that none of them has made
 * yet. Each must find it whole: one process creates and migrates it before any worker opens it,
 * so no worker meets a half-made file (0 bytes, no tables) and refuses or crashes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { canConnect, missing } from '../support/requires.ts';
import { publisher } from './support/api.ts';
import { cleanup, startHerald } from './support/herald-process.ts';

afterAll(cleanup);
const skip = missing({ 'redis on 127.0.0.1:6379': await canConnect(6379, '127.0.0.1') });
const WORKERS = 8;
const ROUNDS = 3;

describe.skipIf(skip)('workers on a fresh SQLite data dir', () => {
  it(`${WORKERS} workers started together on a fresh data dir all start, every time, and serve`, { timeout: 300_000 }, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const herald = await startHerald({ env: { REDIS_URL: 'redis://127.0.0.1:6379', HERALD_WORKERS: String(WORKERS) } });
      try {
        const complaints = herald.output().split('\n').filter((l) => l.startsWith('herald: ') && !l.includes('CPU cores'));
        expect(complaints, `round ${round}`).toEqual([]);
        await publisher(herald.url).publishOne('fresh-store-user', `round ${round}`);
      } finally {
        expect((await herald.stop()).code).toBe(0);
      }
    }
  });
});
