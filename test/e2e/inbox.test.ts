/**
 * The inbox API end to end: filters, cursor pagination, counts, archive, idempotent publishes,
 * expiry, the recipient limit, and single-use stream tickets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publisher, signToken, subscriber } from './support/api.ts';
import { cleanup, startHerald, type HeraldProcess } from './support/herald-process.ts';
import { openSse, type SseStream } from './support/sse-reader.ts';
import { waitFor } from './support/wait.ts';

let herald: HeraldProcess;
let pub: ReturnType<typeof publisher>;
const open: SseStream[] = [];

beforeAll(async () => {
  herald = await startHerald();
  pub = publisher(herald.url);
}, 120_000);
afterAll(async () => {
  for (const s of open) s.close();
  await cleanup();
});

async function user(id: string) {
  return subscriber(herald.url, await signToken(id));
}
const idsOf = (page: { items: { id: string }[] }) => page.items.map((n) => n.id);

describe('inbox', () => {
  it('filters by status and category; archive and unarchive move items; counts follow', async () => {
    const ivy = await user('ivy');
    const billing = [await pub.publishOne('ivy', 'invoice 1', { category: 'billing' }), await pub.publishOne('ivy', 'invoice 2', { category: 'billing' })];
    const social = [];
    for (let i = 0; i < 3; i++) social.push(await pub.publishOne('ivy', `like ${i}`, { category: 'social', severity: 'success' }));
    const all = [...billing, ...social];
    expect((await ivy.counts()).body).toEqual({ unread: 5, unseen: 5, total: 5 });

    expect((await ivy.change('read', { ids: [billing[0]!] })).body.changed).toBe(1);
    expect((await ivy.change('seen', { ids: [social[0]!] })).status).toBe(200);
    expect((await ivy.change('archive', { ids: [social[2]!] })).status).toBe(200);

    const page = async (q: Record<string, string>) => {
      const r = await ivy.inbox(q);
      expect(r.status).toBe(200);
      return idsOf(r.body);
    };
    // Newest first; archived items leave every list but `archived`.
    expect(await page({})).toEqual([social[1], social[0], billing[1], billing[0]]);
    expect(await page({ status: 'unread' })).toEqual([social[1], social[0], billing[1]]);
    expect(await page({ status: 'unseen' })).toEqual([social[1], billing[1]]);
    expect(await page({ status: 'archived' })).toEqual([social[2]]);
    expect(await page({ category: 'billing' })).toEqual([billing[1], billing[0]]);
    expect(await page({ status: 'unread', category: 'billing' })).toEqual([billing[1]]);
    expect((await ivy.counts()).body).toEqual({ unread: 3, unseen: 2, total: 4 });

    const item = (await ivy.inbox({ category: 'billing' })).body.items.find((n: { id: string }) => n.id === billing[0]);
    expect(item).toMatchObject({ id: billing[0], recipient: 'ivy', title: 'invoice 1', category: 'billing', severity: 'info' });
    expect(Date.parse(item.readAt)).toBeGreaterThan(0);

    expect((await ivy.change('unarchive', { ids: [social[2]!] })).status).toBe(200);
    expect((await ivy.change('unread', { ids: [billing[0]!] })).status).toBe(200);
    expect(new Set(await page({}))).toEqual(new Set(all));
    expect(await page({ status: 'archived' })).toEqual([]);
    expect((await ivy.counts()).body).toMatchObject({ unread: 5, total: 5 });

    const bad = await ivy.inbox({ status: 'bogus' });
    expect(bad.status).toBe(400);
    expect((await ivy.change('archive', { all: true })).status).toBe(400);
  });

  it('cursor pagination walks every item once, newest first', async () => {
    const pat = await user('pat');
    const sent: string[] = [];
    for (let i = 0; i < 23; i++) sent.push(await pub.publishOne('pat', `n${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    for (let pages = 0; pages < 10; pages++) {
      const r = await pat.inbox(cursor ? { limit: '10', cursor } : { limit: '10' });
      expect(r.status).toBe(200);
      sizes.push(r.body.items.length);
      seen.push(...idsOf(r.body));
      cursor = r.body.nextCursor;
      if (!cursor) break;
    }
    expect(sizes).toEqual([10, 10, 3]);
    expect(seen).toEqual([...sent].reverse());
    expect((await pat.inbox({ limit: '101' })).status).toBe(400);
    expect((await pat.inbox({ cursor: '!!' })).status).toBe(400);
  });

  it('dedupeKey makes a publish idempotent per recipient', async () => {
    const dee = await user('dee');
    const s = await openSse(`${herald.url}/v1/stream`, { token: await signToken('dee') });
    open.push(s);
    await s.waitForCount('ready', 1);
    const first = await pub.publish({ recipients: ['dee', 'dan'], title: 'once', dedupeKey: 'order-42-shipped' });
    const again = await pub.publish({ recipients: ['dee', 'dan'], title: 'once', dedupeKey: 'order-42-shipped' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.notifications).toEqual(first.body.notifications);
    const marker = await pub.publishOne('dee', 'marker');
    await s.waitForEvent((e) => e.event === 'notification' && JSON.parse(e.data).id === marker);
    expect(s.named<{ title: string }>('notification').map((n) => n.title)).toEqual(['once', 'marker']);
    expect((await dee.counts()).body.total).toBe(2);
    expect((await (await user('dan')).counts()).body.total).toBe(1);
  });

  it('expired notifications leave the inbox and the counts', async () => {
    const exa = await user('exa');
    await pub.publishOne('exa', 'stays');
    await pub.publishOne('exa', 'already gone', { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    await pub.publishOne('exa', 'goes soon', { expiresAt: new Date(Date.now() + 1500).toISOString() });
    const titles = async () => (await exa.inbox()).body.items.map((n: { title: string }) => n.title);
    expect(await titles()).not.toContain('already gone');
    await waitFor('the expiring item to leave the inbox', async () => !(await titles()).includes('goes soon'), { timeoutMs: 15_000, intervalMs: 200 });
    expect(await titles()).toEqual(['stays']);
    expect((await exa.counts()).body).toEqual({ unread: 1, unseen: 1, total: 1 });
  });

  it('1001 recipients → 400 too_many_recipients, and nothing is stored', async () => {
    const recipients = Array.from({ length: 1001 }, (_, i) => `crowd-${i}`);
    const r = await pub.publish({ recipients, title: 'too many' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('too_many_recipients');
    expect((await (await user('crowd-0')).counts()).body.total).toBe(0);
    const ok = await pub.publish({ recipients: recipients.slice(0, 1000), title: 'just enough' });
    expect(ok.status).toBe(201);
    expect(ok.body.notifications).toHaveLength(1000);
    expect((await (await user('crowd-999')).counts()).body.total).toBe(1);
  });
});

describe('stream tickets', () => {
  it('a ticket opens one stream once; the second use is 401 invalid_ticket', async () => {
    const tom = await user('tom');
    const t = await tom.ticket();
    expect(t.status).toBe(200);
    expect(t.body.expiresIn).toBeGreaterThan(0);
    expect(t.body.expiresIn).toBeLessThanOrEqual(60);
    const url = `${herald.url}/v1/stream?ticket=${encodeURIComponent(t.body.ticket)}`;
    const first = await openSse(url);
    open.push(first);
    expect(first.status).toBe(200);
    const [ready] = await first.waitForCount<{ user: string }>('ready', 1);
    expect(ready!.user).toBe('tom');
    const id = await pub.publishOne('tom', 'via ticket');
    await first.waitForEvent((e) => e.event === 'notification' && JSON.parse(e.data).id === id);

    const second = await openSse(url);
    expect(second.status).toBe(401);
    expect(JSON.parse(second.errorText!).error.code).toBe('invalid_ticket');
    const forged = await openSse(`${herald.url}/v1/stream?ticket=not-a-real-ticket`);
    expect(forged.status).toBe(401);
  });
});
