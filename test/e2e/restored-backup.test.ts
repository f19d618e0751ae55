/**
 * An operator stops Herald and copies an older backup of `herald.db` over the live file. The
 * backup carries the same epoch, and once new notifications are published its sequences climb
 * past the cursors that clients hold from the newer database, so a resume would silently skip
 * (or misplace) the restored store's items. A database older than the one this data dir last ran
 * must therefore get a new epoch: every such cursor gets `reset`, never a silent skip.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publisher, signToken } from './support/api.ts';
import { cleanup, startHerald, tempDir } from './support/herald-process.ts';
import { openSse, type SseStream } from './support/sse-reader.ts';

const open: SseStream[] = [];
afterAll(async () => {
  for (const s of open) s.close();
  await cleanup();
});

/** Copies a stopped store's file (a clean stop leaves no WAL behind; drop any to be sure). */
function copyDb(fromDir: string, toDir: string): void {
  for (const suffix of ['-wal', '-shm']) rmSync(join(toDir, `herald.db${suffix}`), { force: true });
  copyFileSync(join(fromDir, 'herald.db'), join(toDir, 'herald.db'));
}

describe('a backup restored over the database', () => {
  it('a cursor from the newer database gets reset after an older backup is restored, never a silent skip', { timeout: 180_000 }, async () => {
    const env = { HERALD_DRAIN_MS: '500' };
    const token = await signToken('rita');
    const stream = async (url: string, lastEventId?: string) => {
      const s = await openSse(`${url}/v1/stream`, { token, lastEventId });
      open.push(s);
      expect(s.status).toBe(200);
      await s.waitForCount('ready', 1);
      return s;
    };

    // Run 1: two notifications, then a clean stop and a backup.
    const first = await startHerald({ env });
    for (let i = 0; i < 2; i++) await publisher(first.url).publishOne('rita', `old ${i}`);
    expect((await first.stop()).code).toBe(0);
    const backup = tempDir('herald-backup-');
    copyDb(first.dataDir, backup);

    // Run 2: three more; the client reads all five and keeps the last cursor.
    const second = await startHerald({ env, dataDir: first.dataDir });
    const s = await stream(second.url);
    for (let i = 0; i < 3; i++) await publisher(second.url).publishOne('rita', `newer ${i}`);
    await s.waitForCount('notification', 3);
    const cursor = s.events.filter((e) => e.event === 'notification').at(-1)!.id;
    s.close();
    expect((await second.stop()).code).toBe(0);

    // The restore, then run 3: new publishes take the sequences the client already passed.
    copyDb(backup, first.dataDir);
    const third = await startHerald({ env, dataDir: first.dataDir });
    const after: string[] = [];
    for (let i = 0; i < 4; i++) after.push(await publisher(third.url).publishOne('rita', `after restore ${i}`));

    const resumed = await stream(third.url, cursor);
    const live = await publisher(third.url).publishOne('rita', 'live');
    await resumed.waitForCount('notification', 1);
    const ids = resumed.named<{ id: string }>('notification').map((n) => n.id);
    // Either the client is told to refetch (reset, then live from now) or it gets every item it
    // never saw; never the tail alone.
    if (resumed.named('reset').length === 0) expect(ids).toEqual([...after, live]);
    expect(resumed.named('reset')).toEqual([{ reason: 'epoch' }]);
    expect(resumed.events.map((e) => e.event).slice(0, 2)).toEqual(['ready', 'reset']);
    expect(ids).toEqual([live]);
  });
});
