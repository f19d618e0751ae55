/**
 * The stream contract with real clients against the real CLI: fan-out to every stream of a user
 * and only that user, exact resume with Last-Event-ID (header and query), `reset` on a foreign
 * cursor, and state changes synced to the other streams followed by counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publisher, signToken, subscriber } from './support/api.ts';
import { openEventSource } from './support/event-source.ts';
import { cleanup, startHerald, type HeraldProcess } from './support/herald-process.ts';
import { openSse, type SseStream } from './support/sse-reader.ts';

let herald: HeraldProcess;
let pub: ReturnType<typeof publisher>;
const open: { close(): void }[] = [];

beforeAll(async () => {
  herald = await startHerald({ env: { HERALD_HEARTBEAT_MS: '1000' } });
  pub = publisher(herald.url);
}, 120_000);
afterAll(async () => {
  for (const s of open) s.close();
  await cleanup();
});

async function stream(user: string, o: { lastEventId?: string; query?: string } = {}): Promise<SseStream> {
  const s = await openSse(`${herald.url}/v1/stream${o.query ?? ''}`, { token: await signToken(user), lastEventId: o.lastEventId });
  open.push(s);
  expect(s.status, s.errorText).toBe(200);
  await s.waitForCount('ready', 1);
  return s;
}

const ids = (s: SseStream) => s.named<{ id: string }>('notification').map((n) => n.id);

describe('fan-out', () => {
  it('two streams of one user both receive, in order; a stream of another user receives nothing of it', async () => {
    const viaFetch = await stream('ann');
    const viaEventSource = openEventSource(`${herald.url}/v1/stream`, await signToken('ann'), ['ready', 'notification']);
    open.push(viaEventSource);
    await viaEventSource.waitForCount('ready', 1);
    const other = await stream('ben');

    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push(await pub.publishOne('ann', `for ann ${i}`));
    const marker = await pub.publishOne('ben', 'for ben');

    await viaFetch.waitForCount('notification', 5);
    await viaEventSource.waitForCount('notification', 5);
    await other.waitForCount('notification', 1);
    expect(ids(viaFetch)).toEqual(sent);
    expect(viaEventSource.named<{ id: string }>('notification').map((n) => n.id)).toEqual(sent);
    expect(ids(other)).toEqual([marker]);
    // Every event carries a resumable cursor.
    for (const e of viaFetch.events) expect(e.id).toMatch(/^[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+$/);
    expect(viaEventSource.events.at(-1)!.lastEventId).toBe(viaFetch.lastEventId);
  });

  it('sends heartbeat comments at the configured interval', async () => {
    const s = await stream('hal');
    const before = s.comments;
    await expect.poll(() => s.comments, { timeout: 10_000 }).toBeGreaterThan(before);
  });
});

describe('resume', () => {
  for (const via of ['header', 'query'] as const) {
    it(`Last-Event-ID by ${via} after a disconnect replays exactly the missed notifications, in order`, async () => {
      const user = `resume-${via}`;
      const first = await stream(user);
      const seen = [await pub.publishOne(user, 'a'), await pub.publishOne(user, 'b')];
      await first.waitForCount('notification', 2);
      expect(ids(first)).toEqual(seen);
      const cursor = first.lastEventId;
      first.close();
      await first.ended;

      const missed: string[] = [];
      for (let i = 0; i < 4; i++) missed.push(await pub.publishOne(user, `missed ${i}`));

      const second =
        via === 'header' ? await stream(user, { lastEventId: cursor }) : await stream(user, { query: `?lastEventId=${encodeURIComponent(cursor)}` });
      expect(second.named<{ resumed: boolean }>('ready')[0]!.resumed).toBe(true);
      // The ready event's id is where the stream starts: the cursor it resumed from.
      expect(second.events[0]!.id).toBe(cursor);
      await second.waitForCount('notification', 4);
      const live = await pub.publishOne(user, 'live');
      await second.waitForCount('notification', 5);
      expect(ids(second)).toEqual([...missed, live]);
      expect(second.named('reset')).toEqual([]);
      // Cursors only move forward.
      const cursors = second.events.filter((e) => e.event === 'notification').map((e) => e.id);
      expect(new Set(cursors).size).toBe(cursors.length);
    });
  }

  it('every id is a resumable cursor, the ready id and topic event ids included, on a user with history', async () => {
    const user = 'hist';
    const token = await signToken(user, { topics: ['news'] });
    const old = [await pub.publishOne(user, 'old 1'), await pub.publishOne(user, 'old 2')];
    const s1 = await openSse(`${herald.url}/v1/stream?topics=news`, { token });
    open.push(s1);
    await s1.waitForCount('ready', 1);
    const readyId = s1.lastEventId;
    expect((await pub.topic('news', { event: 'headline', data: { n: 1 } })).status).toBe(202);
    await s1.waitForCount('headline', 1);
    const topicId = s1.lastEventId;
    s1.close();
    const after = await pub.publishOne(user, 'new');

    // Resuming from either id replays only what came after it, never the history before the stream.
    for (const cursor of [readyId, topicId]) {
      const s = await openSse(`${herald.url}/v1/stream?topics=news`, { token, lastEventId: cursor });
      open.push(s);
      await s.waitForCount('notification', 1);
      const marker = await pub.topic('news', { event: 'marker', data: {} });
      expect(marker.status).toBe(202);
      await s.waitForCount('marker', 1);
      expect(ids(s)).toEqual([after]);
      expect(ids(s)).not.toContain(old[0]);
      s.close();
    }
  });

  it('a cursor from another epoch gets an explicit reset, then live events', async () => {
    const s0 = await stream('eve');
    const cursor = s0.lastEventId;
    s0.close();
    const [epoch, userSeq, topicSeq] = cursor.split('.');
    const foreign = `${epoch === 'zzzzzzzz' ? 'yyyyyyyy' : 'zzzzzzzz'}.${userSeq}.${topicSeq}`;
    const s = await stream('eve', { lastEventId: foreign });
    await s.waitForCount('reset', 1);
    expect(s.named('reset')[0]).toEqual({ reason: 'epoch' });
    expect(s.events.map((e) => e.event).slice(0, 2)).toEqual(['ready', 'reset']);
    const id = await pub.publishOne('eve', 'after reset');
    await s.waitForCount('notification', 1);
    expect(ids(s)).toEqual([id]);
  });

  it('a cursor ahead of the log (another database) gets reset, never silence', async () => {
    const s0 = await stream('fay');
    const [epoch] = s0.lastEventId.split('.');
    s0.close();
    const s = await stream('fay', { lastEventId: `${epoch}.zzz.0` });
    await s.waitForCount('reset', 1);
    expect(s.named('reset')[0]).toEqual({ reason: 'cursor' });
  });
});

describe('state sync', () => {
  it('mark-read on one device shows notification.state then counts on every stream; mark all read likewise', async () => {
    const token = await signToken('mia');
    const api = subscriber(herald.url, token);
    const tabA = await stream('mia');
    const tabB = await stream('mia');
    const n1 = await pub.publishOne('mia', 'one');
    const n2 = await pub.publishOne('mia', 'two');
    const n3 = await pub.publishOne('mia', 'three');
    await tabB.waitForCount('notification', 3);

    const read = await api.change('read', { ids: [n1] });
    expect(read.status).toBe(200);
    for (const tab of [tabA, tabB]) {
      const [state] = await tab.waitForCount<{ action: string; ids: string[] }>('notification.state', 1);
      expect(state).toMatchObject({ action: 'read', ids: [n1] });
      const [counts] = await tab.waitForCount('counts', 1);
      // Reading implies seeing, so only unread and total are pinned here.
      expect(counts).toMatchObject({ unread: 2, total: 3 });
      const names = tab.events.map((e) => e.event);
      expect(names.indexOf('notification.state')).toBeLessThan(names.indexOf('counts'));
    }

    expect((await api.change('read', { all: true })).status).toBe(200);
    for (const tab of [tabA, tabB]) {
      const states = await tab.waitForCount<{ action: string; all?: boolean }>('notification.state', 2);
      expect(states[1]).toMatchObject({ action: 'read', all: true });
      const counts = await tab.waitForCount('counts', 2);
      expect(counts.at(-1)).toMatchObject({ unread: 0, total: 3 });
    }
    const now = (await api.counts()).body;
    expect(now).toMatchObject({ unread: 0, total: 3 });
    expect(tabB.named('counts').at(-1)).toEqual(now);
    expect(ids(tabA)).toEqual([n1, n2, n3]);

    // A tab that was away catches up on the state change too.
    const cursor = tabA.events.find((e) => e.event === 'notification' && JSON.parse(e.data).id === n3)!.id;
    const late = await stream('mia', { lastEventId: cursor });
    const replayed = await late.waitForCount<{ action: string }>('notification.state', 2);
    expect(replayed.map((s) => s.action)).toEqual(['read', 'read']);
    const lateCounts = await late.waitForCount('counts', 1);
    expect(lateCounts.at(-1)).toEqual(now);
  });
});
