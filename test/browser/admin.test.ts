/**
 * `/admin` in real Chromium against the real server: sign-in with the admin key, live stats
 * over the admin stream, the publish form, the activity tail, and the screenshot for the README.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, waitFor } from './support/chromium.ts';
import { startHerald, type HeraldServer } from './support/herald-server.ts';
import { screenshotDir } from './support/screenshots.ts';

const SCREENSHOTS = screenshotDir();

describe.skipIf(chromiumMissing)('/admin dashboard', () => {
  let browser: Browser;
  let herald: HeraldServer;

  beforeAll(async () => {
    [herald, browser] = await Promise.all([startHerald(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await herald?.dispose();
  });

  it('refuses a wrong key, then signs in and shows live stats, publishes and tails activity', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${herald.url}/admin`);

    await page.fill('#key', 'hk_wrong');
    await page.click('#login-form button[type=submit]');
    await waitFor('an error message', async () => ((await page.textContent('#login-msg')) ?? '').length > 0);
    expect(await page.isVisible('#dash')).toBe(false);

    await page.fill('#key', herald.apiKey);
    await page.click('#login-form button[type=submit]');
    await waitFor('the dashboard', () => page.isVisible('#dash'));
    await waitFor('the live feed', async () => (await page.getAttribute('#conn', 'data-state')) === 'live', 15_000);
    // The key is kept for this tab only.
    expect(await page.evaluate(() => sessionStorage.getItem('herald.adminKey'))).toBe(herald.apiKey);

    // Traffic for the chart and the tail, from outside the page.
    for (let i = 0; i < 6; i++) {
      await herald.publish({ recipients: ['alice', 'bob', 'carol'], title: `Deploy ${i + 1} finished`, severity: 'success' });
      await new Promise((r) => setTimeout(r, 250));
    }
    await waitFor('published total', async () => Number((await page.textContent('#k-published'))?.replace(/\D/g, '')) >= 18, 15_000);
    await waitFor('activity rows', async () => (await page.locator('#tail li').count()) >= 6, 15_000);
    expect(await page.locator('#tail li').first().textContent()).toMatch(/Deploy \d finished/);

    // The publish form goes through POST /v1/notifications with the key.
    await page.fill('#pub [name=recipients]', 'dana, erin');
    await page.fill('#pub [name=title]', 'Maintenance tonight at 22:00 UTC');
    await page.fill('#pub [name=body]', 'The API will be read-only for about ten minutes.');
    await page.selectOption('#pub [name=severity]', 'warning');
    await page.click('#pub button[type=submit]');
    await waitFor('publish confirmation', async () => /Sent to 2/.test((await page.textContent('#pub-msg')) ?? ''));
    await waitFor('the form publish in the tail', async () => /Maintenance tonight/.test((await page.locator('#tail').textContent()) ?? ''), 15_000);

    // The chart draws once a few stats ticks came in.
    await waitFor('chart line', async () => (await page.locator('#chart polyline').count()) === 1, 15_000);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${SCREENSHOTS}admin.png` });
    expect(errors).toEqual([]);
    await page.close();
  });
});
