/**
 * One connection per browser means one per *user*: two users behind one token URL in one
 * browser (the app's session cookie picks whose token `/herald/token` returns) must never share
 * a stream, a lock or a BroadcastChannel. Real Chromium, the real `herald serve`, the README's
 * own recipes: `<herald-bell token-url>` and React `<HeraldProvider getToken>`.
 *
 * Every tab records every message on every BroadcastChannel the SDK opens in it (a spy instance
 * per channel name, created by an init script, closed when the SDK closes its last instance of
 * that name), and every notification its client delivers.
 */
import { execFileSync } from 'node:child_process';
import type http from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appShell } from './fixtures/app-shell.ts';
import { chromiumMissing, launchChromium, waitFor } from './support/chromium.ts';
import { startHerald, type HeraldServer } from './support/herald-server.ts';
import { bundle, serveFiles, type StaticServer } from './support/static-server.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const TEST_MS = 120_000;

const PLAIN = appShell({
  title: 'Plain page, token URL',
  bell: '<herald-bell id="bell" token-url="/herald/token"></herald-bell>',
  script: `<script type="module">
    const herald = new URLSearchParams(location.search).get('herald');
    document.getElementById('bell').setAttribute('url', herald);
    await import(herald + '/assets/herald-bell.js');
  </script>`,
});
const REACT = appShell({ title: 'React page, getToken', bell: '<span id="bell-slot"></span>', script: '<script type="module" src="/react.js"></script>' });

/**
 * Runs in every page before its scripts: wraps BroadcastChannel so that each channel name the
 * SDK opens gets a spy that logs every message on it (from any tab, this one included), and
 * subscribes to whichever client the bell shows, logging each delivered notification.
 */
const RECORDER = `(() => {
  const Native = window.BroadcastChannel;
  const rec = { log: [], notes: [] };
  window.__rec = rec;
  const spies = new Map();
  class Recorded extends Native {
    constructor(name) {
      super(name);
      this.__name = name;
      let s = spies.get(name);
      if (!s) {
        const spy = new Native(name);
        spy.onmessage = (e) => rec.log.push({ name, data: e.data });
        spies.set(name, (s = { spy, count: 0 }));
      }
      s.count++;
    }
    close() {
      const s = spies.get(this.__name);
      if (s && !this.__closed) {
        this.__closed = true;
        if (--s.count === 0) { s.spy.close(); spies.delete(this.__name); }
      }
      super.close();
    }
  }
  window.BroadcastChannel = Recorded;
  let seen = null;
  setInterval(() => {
    const c = document.querySelector('herald-bell')?.client;
    if (c && c !== seen) { seen = c; c.on('notification', (n) => rec.notes.push(n)); }
  }, 10);
})();`;

interface Recorded {
  log: { name: string; data: unknown }[];
  notes: { id: string; recipient: string; title: string }[];
}

const VARIANTS = [
  { name: 'plain HTML <herald-bell token-url>', path: '/plain.html' },
  { name: 'React <HeraldProvider getToken>', path: '/react.html' },
] as const;

describe.skipIf(chromiumMissing)('sharing one connection per user in one browser', () => {
  let browser: Browser;
  let herald: HeraldServer;
  let pages: StaticServer;
  /** Token lifetime per user (seconds); default one hour. */
  const ttl = new Map<string, number>();
  let runs = 0;

  /** The app's token URL: whose token it returns depends on the session cookie, as in a real app. */
  function tokenRoute(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (!req.url?.startsWith('/herald/token')) return false;
    const user = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!user) {
      res.writeHead(401).end();
      return true;
    }
    herald.token(user, ttl.get(user)).then(
      (token) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ token })),
      () => res.writeHead(500).end(),
    );
    return true;
  }

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
    const reactJs = await bundle(new URL('./fixtures/react-token-url.tsx', import.meta.url).pathname);
    pages = await serveFiles({ '/plain.html': PLAIN, '/react.html': REACT, '/react.js': reactJs }, tokenRoute);
    // No leeway, so a short-lived token really expires when the login-switch test needs it to.
    [herald, browser] = await Promise.all([startHerald({ HERALD_CORS_ORIGINS: pages.url, HERALD_JWT_LEEWAY_S: '0' }), launchChromium()]);
  });
  const contexts: BrowserContext[] = [];
  afterEach(async () => {
    // A context that fails to close is already gone with its browser; nothing to clean up.
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => {})));
  });
  afterAll(async () => {
    await browser?.close();
    await herald?.dispose();
    await pages?.close();
  });

  async function newBrowser(): Promise<BrowserContext> {
    const c = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    contexts.push(c);
    await c.addInitScript(RECORDER);
    return c;
  }
  /** Logs the browser in as `user`: the session cookie every tab of this browser sends. */
  const login = (c: BrowserContext, user: string) => c.addCookies([{ name: 'session', value: user, url: pages.url }]);
  const rec = (page: Page) => page.evaluate(() => (window as unknown as { __rec: Recorded }).__rec);
  /** What a failing wait shows: the tab's notifications and channel messages, beats left out. */
  const seen = async (page: Page) => {
    const r = await rec(page);
    return { notes: r.notes.map((n) => `${n.recipient}: ${n.title}`), log: r.log.filter((m) => (m.data as { t?: string }).t !== 'b') };
  };
  const bellState = (page: Page) => page.evaluate(() => document.querySelector('herald-bell')?.dataset.state);
  const items = (page: Page) => page.evaluate(() => document.querySelector('herald-bell')?.client?.inbox.snapshot.items.map((n) => n.recipient) ?? []);

  async function openTab(c: BrowserContext, path: string, who: string): Promise<Page> {
    const page = await c.newPage();
    page.on('pageerror', (e) => console.error(`[${who}] ${e.message}`));
    await page.goto(`${pages.url}${path}?herald=${encodeURIComponent(herald.url)}`);
    await waitFor(`${who}'s bell to go live`, async () => (await bellState(page)) === 'live', 20_000);
    return page;
  }

  /** Checks that nothing of `other` reached this tab: no channel message, no notification, no item. */
  async function expectOnly(page: Page, user: string, other: string): Promise<void> {
    const r = await rec(page);
    const leaked = r.log.filter((m) => JSON.stringify(m.data).includes(other));
    expect(leaked, `${other}'s messages on ${user}'s channels`).toEqual([]);
    expect(r.notes.filter((n) => n.recipient !== user), `${other}'s notifications in ${user}'s tab`).toEqual([]);
    expect((await items(page)).filter((u) => u !== user)).toEqual([]);
  }

  const users = () => {
    const run = `${++runs}-${Date.now().toString(36)}`;
    return { alice: `alice-${run}`, bob: `bob-${run}`, carol: `carol-${run}` };
  };
  const noteIds = async (page: Page) => (await rec(page)).notes.map((n) => n.id);

  describe.each(VARIANTS)('$name', ({ path }) => {
    it.each([
      { first: 'alice', second: 'bob' },
      { first: 'bob', second: 'alice' },
    ] as const)('two users behind one token URL ($first opens first) each get exactly their own notifications, live, and nothing of the other', async ({ first, second }) => {
      const u = users();
      const c = await newBrowser();
      await login(c, u[first]);
      const tab1 = await openTab(c, path, first);
      await login(c, u[second]);
      const tab2 = await openTab(c, path, second);
      const tab = { [first]: tab1, [second]: tab2 } as Record<'alice' | 'bob', Page>;

      const [a] = (await herald.publish({ recipients: [u.alice], title: 'Private to Alice', severity: 'info' })).notifications;
      const [b] = (await herald.publish({ recipients: [u.bob], title: 'Private to Bob', severity: 'info' })).notifications;
      const observe = async () => ({ alice: await seen(tab.alice), bob: await seen(tab.bob) });
      await waitFor('each tab to get its own notification live', async () => (await noteIds(tab.alice)).includes(a.id) && (await noteIds(tab.bob)).includes(b.id), 10_000, observe);
      // A later one too, in case the first arrived by a load rather than live.
      const [a2] = (await herald.publish({ recipients: [u.alice], title: 'Alice again', severity: 'info' })).notifications;
      const [b2] = (await herald.publish({ recipients: [u.bob], title: 'Bob again', severity: 'info' })).notifications;
      await waitFor('the second round', async () => (await noteIds(tab.alice)).includes(a2.id) && (await noteIds(tab.bob)).includes(b2.id), 10_000, observe);

      expect(await noteIds(tab.alice)).toEqual([a.id, a2.id]);
      expect(await noteIds(tab.bob)).toEqual([b.id, b2.id]);
      await expectOnly(tab.alice, u.alice, u.bob);
      await expectOnly(tab.bob, u.bob, u.alice);
      // Each user's group has one server stream.
      expect(await herald.streams(u.alice)).toBe(1);
      expect(await herald.streams(u.bob)).toBe(1);
    }, TEST_MS);

    it('a tab whose token URL starts returning another user leaves the old user’s group at once and joins the new one', async () => {
      const u = users();
      // Alice's tokens expire fast, so the tab asks the token URL again soon after the login switch.
      ttl.set(u.alice, 4);
      const c = await newBrowser();
      await login(c, u.alice);
      const tabA = await openTab(c, path, 'alice');
      const issued = Date.now();
      await login(c, u.bob);
      const tabB = await openTab(c, path, 'bob');
      const [before] = (await herald.publish({ recipients: [u.alice], title: 'Alice, before the switch', severity: 'info' })).notifications;
      const [bobBefore] = (await herald.publish({ recipients: [u.bob], title: 'Bob, before the switch', severity: 'info' })).notifications;
      await waitFor('each to get theirs', async () => (await noteIds(tabA)).includes(before.id) && (await noteIds(tabB)).includes(bobBefore.id), 10_000, () => seen(tabA));
      const locks = () => tabB.evaluate(async () => (await navigator.locks.query()).held?.length ?? 0);
      expect(await locks()).toBe(2);

      // Tab A is logged in as Bob now (the cookie changed). Once Alice's token has expired, any
      // call refreshes it from the token URL, which now answers Bob's.
      await new Promise((r) => setTimeout(r, Math.max(0, issued + 5_500 - Date.now())));
      // Any REST call will do; its answer (refused, then Bob's) is checked through the waits below.
      await tabA.evaluate(() => document.querySelector('herald-bell')!.client!.inbox.list().catch(() => {}));
      const userOf = (page: Page) => page.evaluate(() => (document.querySelector('herald-bell')?.client as { user?: string } | null)?.user);
      await waitFor('tab A to be Bob’s', async () => (await userOf(tabA)) === u.bob, 15_000, () => userOf(tabA));
      // Alice's items are dropped; Bob's inbox loads in their place.
      await waitFor('tab A to show only Bob’s inbox', async () => {
        const it = await items(tabA);
        return it.length > 0 && it.every((x) => x === u.bob);
      }, 10_000, () => items(tabA));
      // Alice's group is gone with its only tab: one lock (Bob's) and no Alice stream.
      await waitFor('Alice’s lock released', async () => (await locks()) === 1, 5_000, locks);
      await waitFor('Alice’s stream closed', async () => (await herald.streams(u.alice)) === 0, 10_000);

      const logged = (await rec(tabA)).log.length;
      const [a] = (await herald.publish({ recipients: [u.alice], title: 'Alice, after the switch', severity: 'info' })).notifications;
      const [b] = (await herald.publish({ recipients: [u.bob], title: 'Bob, after the switch', severity: 'info' })).notifications;
      await waitFor('both tabs to get Bob’s live', async () => (await noteIds(tabA)).includes(b.id) && (await noteIds(tabB)).includes(b.id), 10_000, async () => ({ a: await seen(tabA), b: await seen(tabB) }));
      expect(await noteIds(tabB)).toEqual([bobBefore.id, b.id]);
      expect(await noteIds(tabA)).toEqual([before.id, b.id]);
      expect((await rec(tabA)).notes.map((n) => n.id)).not.toContain(a.id);
      // After the switch, nothing of Alice's reaches tab A's channels, and Bob's tab never heard her.
      const after = (await rec(tabA)).log.slice(logged);
      expect(after.filter((m) => JSON.stringify(m.data).includes(u.alice))).toEqual([]);
      await expectOnly(tabB, u.bob, u.alice);
      expect(await herald.streams(u.bob)).toBe(1);
    }, TEST_MS);
  });
});
