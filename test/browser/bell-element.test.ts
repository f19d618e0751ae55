/**
 * `<herald-bell>` in real Chromium against an in-memory source: what the element itself does
 * (badge, panel, keyboard, infinite scroll, states, toasts, indicator, theme). The end-to-end
 * suite against a real server lives beside it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumMissing, waitFor } from './support/chromium.ts';
import { useFakeBellPage } from './support/fake-bell-page.ts';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin:0;font-family:sans-serif"><div style="display:flex;justify-content:flex-end;padding:8px 16px"><herald-bell></herald-bell></div>
<button id="outside">outside</button><script type="module" src="/bell.js"></script></body></html>`;

describe.skipIf(chromiumMissing)('<herald-bell> component', () => {
  const bell = useFakeBellPage(PAGE);

  async function open(query: string): Promise<Page> {
    const page = await bell.browser.newPage({ viewport: { width: 1000, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${bell.url}/?${query}`);
    await waitFor('the element to upgrade', () => page.evaluate(() => !!document.querySelector('herald-bell')?.shadowRoot && 'fake' in window));
    expect(errors).toEqual([]);
    return page;
  }
  const text = (page: Page, sel: string) => page.locator(`herald-bell ${sel}`).first().textContent();
  const calls = (page: Page) => page.evaluate(() => (window as unknown as { fake: { calls: string[] } }).fake.calls);

  it('shows the unread count on the badge, capped at 99+, and speaks it', async () => {
    const page = await open('items=150&unread=120');
    await waitFor('badge 99+', async () => (await text(page, '.badge')) === '99+');
    expect(await page.locator('herald-bell .bell').getAttribute('aria-label')).toBe('Notifications, more than 99 unread');
    const few = await open('items=5&unread=3');
    await waitFor('badge 3', async () => (await text(few, '.badge')) === '3');
    await page.close();
    await few.close();
  });

  it('opens on click with focus inside, loads the inbox, and Escape closes and returns focus', async () => {
    const page = await open('items=30&unread=2');
    const button = page.locator('herald-bell .bell');
    expect(await button.getAttribute('aria-haspopup')).toBe('dialog');
    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    await waitFor('10 items', async () => (await page.locator('herald-bell li[role=listitem]').count()) === 10);
    expect(await page.locator('herald-bell .panel').getAttribute('role')).toBe('dialog');
    const focusedInPanel = await page.evaluate(() => {
      const root = document.querySelector('herald-bell')!.shadowRoot!;
      return !!root.activeElement && root.querySelector('.panel')!.contains(root.activeElement);
    });
    expect(focusedInPanel).toBe(true);
    expect(await calls(page)).toContain('markAllSeen');
    // Arrow keys move between rows.
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.querySelector('herald-bell')!.shadowRoot!.activeElement?.closest('li')?.dataset.id)).toBe('n1');
    await page.keyboard.press('Escape');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.querySelector('herald-bell')!.shadowRoot!.activeElement?.className)).toBe('bell');
    // An outside click closes too.
    await button.click();
    await page.click('#outside');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    await page.close();
  });

  it('loads more pages as the list scrolls (infinite scroll)', async () => {
    const page = await open('items=35&page=10');
    await page.locator('herald-bell .bell').click();
    await waitFor('first page', async () => (await page.locator('herald-bell li[role=listitem]').count()) === 10);
    for (let i = 0; i < 20; i++) {
      await page.evaluate(() => {
        const s = document.querySelector('herald-bell')!.shadowRoot!.querySelector('.scroll')!;
        s.scrollTop = s.scrollHeight;
      });
      if ((await page.locator('herald-bell li[role=listitem]').count()) === 35) break;
      await page.waitForTimeout(150);
    }
    expect(await page.locator('herald-bell li[role=listitem]').count()).toBe(35);
    expect((await calls(page)).filter((c) => c === 'loadMore').length).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it('marks one read on click, all read, and archives', async () => {
    const page = await open('items=6&unread=3');
    await page.evaluate(() => document.querySelector('herald-bell')!.addEventListener('herald-select', (e) => e.preventDefault()));
    await page.locator('herald-bell .bell').click();
    await waitFor('items', async () => (await page.locator('herald-bell li.unread').count()) === 3);
    await page.locator('herald-bell li[data-id=n0] .main').click();
    await waitFor('n0 read', async () => (await page.locator('herald-bell li.unread').count()) === 2);
    expect(await text(page, '.badge')).toBe('2');
    await page.locator('herald-bell [data-act=mark-all]').click();
    await waitFor('all read', async () => (await page.locator('herald-bell li.unread').count()) === 0);
    expect(await text(page, '.badge')).toBe('');
    expect(await page.locator('herald-bell .badge').isVisible()).toBe(false);
    await page.locator('herald-bell li[data-id=n2]').hover();
    await page.locator('herald-bell li[data-id=n2] .arch').click();
    await waitFor('n2 archived', async () => (await page.locator('herald-bell li[data-id=n2]').count()) === 0);
    expect(await page.locator('herald-bell li[role=listitem]').count()).toBe(5);
    await page.close();
  });

  it('shows the empty state, and the error state with a working retry', async () => {
    const empty = await open('items=0');
    await empty.locator('herald-bell .bell').click();
    await waitFor('empty state', () => empty.locator('herald-bell .state.empty').isVisible());
    expect(await text(empty, '.state.empty strong')).toContain('all caught up');
    await empty.close();

    const failing = await open('items=4&fail=1');
    await failing.locator('herald-bell .bell').click();
    await waitFor('error state', () => failing.locator('herald-bell .state.error').isVisible());
    await failing.locator('herald-bell [data-act=retry]').click();
    await waitFor('items after retry', async () => (await failing.locator('herald-bell li[role=listitem]').count()) === 4);
    expect(await failing.locator('herald-bell .state.error').isVisible()).toBe(false);
    await failing.close();
  });

  it('toasts new notifications: info leaves by itself, critical stays, at most three at once', async () => {
    const page = await open('items=0');
    expect(await page.locator('herald-bell .toasts').getAttribute('aria-live')).toBe('polite');
    const deliver = (id: string, severity: string) =>
      page.evaluate(([id, severity]) => (window as unknown as { fake: { deliver(n: unknown): void } }).fake.deliver({ id, recipient: 'alice', title: `T ${id}`, severity, createdAt: new Date().toISOString() }), [id, severity]);
    await deliver('c1', 'critical');
    await deliver('i1', 'info');
    await waitFor('two toasts', async () => (await page.locator('herald-bell .toast').count()) === 2);
    expect(await page.locator('herald-bell .toast.sev-critical').getAttribute('role')).toBe('alert');
    expect(await text(page, '.badge')).toBe('2');
    // The info toast goes after ~5 s; the critical one stays.
    await waitFor('info toast to leave', async () => (await page.locator('herald-bell .toast.sev-info').count()) === 0, 15_000);
    expect(await page.locator('herald-bell .toast.sev-critical').count()).toBe(1);
    for (const id of ['a', 'b', 'c', 'd']) await deliver(id, 'success');
    await waitFor('three toasts', async () => (await page.locator('herald-bell .toast').count()) === 3);
    const ids = await page.locator('herald-bell .toast').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id));
    expect(ids).toEqual(['c1', 'c', 'd']);
    await page.locator('herald-bell .toast[data-id=c1] .x').click();
    await waitFor('critical dismissed', async () => (await page.locator('herald-bell .toast[data-id=c1]').count()) === 0);
    await page.close();
  });

  it('shows the connection state with a text label', async () => {
    const page = await open('items=1');
    const setState = (s: string) => page.evaluate((s) => (window as unknown as { fake: { setState(s: string): void } }).fake.setState(s), s);
    expect(await text(page, '.sr[id$=-conn]')).toBe('Connection: Live');
    await setState('reconnecting');
    expect(await text(page, '.sr[id$=-conn]')).toBe('Connection: Reconnecting…');
    expect(await page.evaluate(() => document.querySelector('herald-bell')!.dataset.state)).toBe('reconnecting');
    await page.locator('herald-bell .bell').click();
    expect(await text(page, '.status')).toBe('Reconnecting…');
    await setState('polling');
    expect(await text(page, '.status')).toBe('Live (polling)');
    await page.close();
  });

  it('switches to the dark theme by attribute and honours --herald-accent', async () => {
    const page = await open('items=3&unread=1');
    const panelBg = () => page.evaluate(() => getComputedStyle(document.querySelector('herald-bell')!.shadowRoot!.querySelector('.panel')!).backgroundColor);
    await page.evaluate(() => document.querySelector('herald-bell')!.setAttribute('theme', 'light'));
    expect(await panelBg()).toBe('rgb(255, 255, 255)');
    await page.evaluate(() => document.querySelector('herald-bell')!.setAttribute('theme', 'dark'));
    expect(await panelBg()).toBe('rgb(24, 25, 29)');
    await page.evaluate(() => document.querySelector('herald-bell')!.style.setProperty('--herald-accent', 'rgb(1, 2, 3)'));
    await page.locator('herald-bell .bell').click();
    await waitFor('unread dot', () => page.locator('herald-bell li.unread .udot').isVisible());
    expect(await page.locator('herald-bell li.unread .udot').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(1, 2, 3)');
    await page.close();
  });
});
