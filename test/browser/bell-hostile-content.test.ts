/**
 * `<herald-bell>` in real Chromium against content a publisher or a user switch controls: what one
 * user's notification may leave on screen for the next user, and text that tries to reorder or
 * spoof what is around it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumMissing, waitFor } from './support/chromium.ts';
import { useFakeBellPage } from './support/fake-bell-page.ts';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin:0;font-family:sans-serif"><div style="display:flex;justify-content:flex-end;padding:8px 16px"><herald-bell></herald-bell></div>
<script type="module" src="/bell.js"></script></body></html>`;

type Fake = { deliver(n: unknown): void; clear(): void };

describe.skipIf(chromiumMissing)('<herald-bell> with hostile content', () => {
  const bell = useFakeBellPage(PAGE);

  async function open(): Promise<Page> {
    const page = await bell.browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(`${bell.url}/?items=0`);
    await waitFor('the element to upgrade', () => page.evaluate(() => !!document.querySelector('herald-bell')?.shadowRoot && 'fake' in window));
    return page;
  }
  const deliver = (page: Page, n: Record<string, unknown>) =>
    page.evaluate((n) => (window as unknown as { fake: Fake }).fake.deliver({ recipient: 'alice', severity: 'critical', createdAt: new Date().toISOString(), ...n }), n);
  const toasts = (page: Page) => page.locator('herald-bell .toast').count();

  it("a user switch inside one client takes the old user's toasts off the screen", async () => {
    const page = await open();
    await deliver(page, { id: 'a1', title: "Alice's payslip is ready", url: '/payslips/alice' });
    await waitFor('a toast', async () => (await toasts(page)) === 1);
    // The SDK's inbox.clear(): the token URL now answers for another user.
    await page.evaluate(() => (window as unknown as { fake: Fake }).fake.clear());
    await waitFor("the old user's toast to go", async () => (await toasts(page)) === 0, 3_000, () => page.locator('herald-bell .toasts').textContent());
    await page.close();
  });

  it("a bell given another client (another user's) shows none of the old client's toasts", async () => {
    const page = await open();
    await deliver(page, { id: 'a1', title: "Alice's payslip is ready" });
    await waitFor('a toast', async () => (await toasts(page)) === 1);
    // What a page does on sign-in as someone else: a new client (or new token-url) for the bell.
    await page.evaluate(async () => {
      const { createFakeSource } = (window as unknown as { fakeModule: { createFakeSource(): unknown } }).fakeModule;
      (document.querySelector('herald-bell') as unknown as { client: unknown }).client = createFakeSource();
    });
    await waitFor("the old client's toast to go", async () => (await toasts(page)) === 0, 3_000, () => page.locator('herald-bell .toasts').textContent());
    await page.close();
  });

  it('toasts with the longest title and body a publisher may send stay small and never cover the page', async () => {
    const page = await open();
    // The publish limits: a 500-character title, a 10,000-character body; critical ones stay.
    for (const [id, title] of [['w1', 'W'.repeat(500)], ['w2', 'Deploy '.repeat(71)], ['w3', 'W'.repeat(500)]]) {
      await deliver(page, { id, title, body: 'b'.repeat(10_000), category: 'c'.repeat(100) });
    }
    await waitFor('three toasts', async () => (await toasts(page)) === 3);
    const seen = await page.evaluate(() => {
      const root = document.querySelector('herald-bell')!.shadowRoot!;
      const heights = [...root.querySelectorAll('.toast')].map((t) => t.getBoundingClientRect().height);
      const bell = root.querySelector('.bell')!.getBoundingClientRect();
      const hit = root.elementFromPoint(bell.left + bell.width / 2, bell.top + bell.height / 2);
      return { heights, bellReachable: !!hit?.closest('.bell') };
    });
    // Each card is a few lines at most, so three of them leave the rest of a 700px page usable.
    for (const h of seen.heights) expect(h).toBeLessThanOrEqual(200);
    expect(seen.bellReachable).toBe(true);
    await page.close();
  });

  it("clicking the old user's desktop notification after a user switch neither marks nor opens anything", async () => {
    const page = await bell.browser.newPage({ viewport: { width: 1000, height: 700 } });
    // A hidden tab with desktop notifications on; system notifications are recorded, not shown.
    await page.addInitScript(() => {
      const shown: { onclick: (() => void) | null; close(): void }[] = [];
      class Recorded {
        static permission = 'granted';
        onclick: (() => void) | null = null;
        constructor() {
          shown.push(this);
        }
        close() {}
      }
      Object.assign(window, { Notification: Recorded, shown });
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
      localStorage.setItem('herald.desktop', 'on');
    });
    await page.goto(`${bell.url}/?items=0`);
    await waitFor('the element to upgrade', () => page.evaluate(() => 'fake' in window));
    const click = (i: number) => page.evaluate((i) => (window as unknown as { shown: { onclick(): void }[] }).shown[i].onclick(), i);
    const calls = () => page.evaluate(() => (window as unknown as { fake: { calls: string[] } }).fake.calls.filter((c) => c === 'markRead').length);
    // While it is the user's own, a click marks it read and follows its link.
    await deliver(page, { id: 'a0', title: 'Your report is ready', url: '#report' });
    await waitFor('a desktop notification', () => page.evaluate(() => (window as unknown as { shown: unknown[] }).shown.length === 1));
    await click(0);
    await waitFor('the link followed', async () => (await page.evaluate(() => location.hash)) === '#report');
    expect(await calls()).toBe(1);
    await deliver(page, { id: 'a1', title: "Alice's payslip is ready", url: '#alice-payslip' });
    await waitFor('a second desktop notification', () => page.evaluate(() => (window as unknown as { shown: unknown[] }).shown.length === 2));
    await page.evaluate(() => (window as unknown as { fake: Fake }).fake.clear());
    await click(1);
    await page.waitForTimeout(100);
    expect(await page.evaluate(() => location.hash)).toBe('#report');
    expect(await calls()).toBe(1);
    await page.close();
  });

  it('a severity named like an Object property (constructor, __proto__, toString) shows as info, with the info icon', async () => {
    const page = await open();
    for (const severity of ['constructor', '__proto__', 'toString']) await deliver(page, { id: `s-${severity}`, title: `Odd ${severity}`, severity });
    await page.locator('herald-bell .bell').click();
    await waitFor('three rows', async () => (await page.locator('herald-bell li[role=listitem]').count()) === 3);
    const rows = await page.evaluate(() => {
      const root = document.querySelector('herald-bell')!.shadowRoot!;
      return [...root.querySelectorAll('li[role=listitem]'), ...root.querySelectorAll('.toast')].map((el) => ({
        cls: el.className,
        icon: el.querySelector('.ico')!.innerHTML,
        label: el.querySelector('.main')?.getAttribute('aria-label') ?? el.querySelector('.sr')!.textContent,
      }));
    });
    const info = await page.evaluate(() => {
      (window as unknown as { fake: Fake }).fake.deliver({ id: 'plain', recipient: 'alice', title: 'Plain', severity: 'info', createdAt: new Date().toISOString() });
      return document.querySelector('herald-bell')!.shadowRoot!.querySelector('li[data-id=plain] .ico')!.innerHTML;
    });
    for (const row of rows) {
      expect(row.cls).toMatch(/\bsev-info\b/);
      expect(row.icon).toBe(info);
      expect(row.label).toMatch(/^(Unread\. )?Info: /);
    }
    await page.close();
  });
});
