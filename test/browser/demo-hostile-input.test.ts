/**
 * The demo page (dev mode) in real Chromium with a crafted link: the `user` query parameter
 * picks only one of the page's own users, never an Object member by name.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, waitFor } from './support/chromium.ts';
import { startHerald, type HeraldServer } from './support/herald-server.ts';

describe.skipIf(chromiumMissing)('demo page with a crafted link', () => {
  let browser: Browser;
  let herald: HeraldServer;

  beforeAll(async () => {
    [herald, browser] = await Promise.all([startHerald(), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await herald?.dispose();
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('a ?user=%s link opens the demo as alice, live', async (name) => {
    const page = await browser.newPage();
    await page.goto(`${herald.url}/?user=${name}`);
    await waitFor('the bell live', () => page.evaluate(() => document.querySelector('herald-bell')?.dataset.state === 'live'), 10_000);
    expect(await page.getAttribute('herald-bell', 'token-url')).toBe('/demo/token?user=alice');
    expect(await page.getAttribute('#users button[aria-pressed=true]', 'data-user')).toBe('alice');
    expect(await page.evaluate(() => sessionStorage.getItem('herald.demoUser'))).toBe('alice');
    await page.close();
  });
});
