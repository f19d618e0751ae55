/**
 * A cursor older than retention gets an explicit `reset`, never silence; a cursor still within
 * retention resumes exactly. Retention is applied when the server starts, so the test lowers it
 * and restarts instead of waiting for the periodic trim.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { publisher, signToken } from './support/api.ts';
import { cleanup, startHerald } from './support/herald-process.ts';
import { openSse, type SseStream } from './support/sse-reader.ts';

const open: SseStream[] = [];
afterAll(async () => {
  for (const s of open) s.close();
  await cleanup();
});

describe('retention', () => {
  it('a cursor beyond retention gets reset; one within it resumes exactly', { timeout: 120_000 }, async () => {
    const env = { HERALD_RETENTION_EVENTS: '3', HERALD_DRAIN_MS: '500' };
    const first = await startHerald({ env });
    const pub = publisher(first.url);
    const token = await signToken('rex');
    const stream = async (lastEventId?: string) => {
      const s = await openSse(`${first.url}/v1/stream`, { token, lastEventId });
      open.push(s);
      expect(s.status).toBe(200);
      await s.waitForCount('ready', 1);
      return s;
    };

    const s1 = await stream();
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push(await pub.publishOne('rex', `n${i}`));
    await s1.waitForCount('notification', 5);
    const cursorOf = (i: number) => s1.events.filter((e) => e.event === 'notification')[i]!.id;
    const early = cursorOf(0); // after seq 1: will be trimmed
    const late = cursorOf(3); // after seq 4: kept (retention keeps seqs 4..6)
    s1.close();
    sent.push(await pub.publishOne('rex', 'n5'));

    expect((await first.stop()).code).toBe(0);
    const second = await startHerald({ env, port: first.port, dataDir: first.dataDir });
    expect(second.url).toBe(first.url);

    const stale = await stream(early);
    const [reset] = await stale.waitForCount('reset', 1);
    expect(reset).toEqual({ reason: 'retention' });
    expect(stale.events.map((e) => e.event).slice(0, 2)).toEqual(['ready', 'reset']);
    const live = await pub.publishOne('rex', 'after reset');
    await stale.waitForCount('notification', 1);
    // After a reset the stream goes on from now: no partial, gapped replay.
    expect(stale.named<{ id: string }>('notification').map((n) => n.id)).toEqual([live]);

    const fresh = await stream(late);
    await fresh.waitForCount('notification', 3);
    expect(fresh.named('reset')).toEqual([]);
    expect(fresh.named<{ id: string }>('notification').map((n) => n.id)).toEqual([sent[4], sent[5], live]);
  });
});
