/**
 * `/admin` in real Chromium against text a publisher or a token's `sub` chooses: the activity
 * tail must show which user it was, however the id is spelled, and a title must not reorder
 * what follows it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, waitFor } from './support/chromium.ts';
import { startHerald, type HeraldServer } from './support/herald-server.ts';

describe.skipIf(chromiumMissing)('/admin with hostile content', () => {
  let browser: Browser;
  let herald: HeraldServer;
  let page: Page;

  beforeAll(async () => {
    [herald, browser] = await Promise.all([startHerald(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${herald.url}/admin`);
    await page.fill('#key', herald.apiKey);
    await page.click('#login-form button[type=submit]');
    await waitFor('the live feed', async () => (await page.getAttribute('#conn', 'data-state')) === 'live', 15_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await herald?.dispose();
  });


  it.each([
    ['a right-to-left override', '\u202eecila', 'U+202E'],
    ['a zero-width space', 'ali\u200bce', 'U+200B'],
    ['a soft hyphen', 'ali\u00adce', 'U+00AD'],
  ])('a user id with %s shows in the activity tail as a different id from the one it imitates', async (_, sub, shown) => {
    // The id a token's sub chose: a notification to it, then its own state change, are the
    // activity the operator reads.
    await herald.publish({ recipients: [sub], title: 'Invoice paid', severity: 'info' });
    const token = await herald.token(sub);
    const res = await fetch(`${herald.url}/v1/inbox/read`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"all":true}' });
    expect(res.status).toBe(200);
    const rows = () =>
      page.evaluate(() => [...document.querySelectorAll('#tail li')].map((li) => ({ kind: li.querySelector('.tag')!.textContent, who: li.querySelector('.who')?.textContent ?? '' })));
    const mine = await waitFor(
      'a notification row and a state row for the id',
      async () => {
        const r = (await rows()).filter((x) => x.who.includes(shown));
        return r.some((x) => x.kind === 'notification') && r.some((x) => x.kind === 'state') ? r : null;
      },
      10_000,
      rows,
    );
    for (const row of mine!) expect(row.who).toBe(` → ${sub.replace(/[^a-z]/, `⟨${shown}⟩`)}`);
    expect((await rows()).some((x) => x.who.includes(sub))).toBe(false);
  });

  it('a title with a right-to-left override does not reverse the recipient shown after it', async () => {
    await herald.publish({ recipients: ['bobby'], title: '\u202eDeploy', severity: 'info' });
    await waitFor('the row for bobby', () => page.evaluate(() => [...document.querySelectorAll('#tail .who')].some((w) => w.textContent!.includes('bobby'))));
    const order = await page.evaluate(() => {
      const who = [...document.querySelectorAll('#tail .who')].find((w) => w.textContent!.includes('bobby'))!;
      const walk = document.createTreeWalker(who, NodeFilter.SHOW_TEXT);
      let text = walk.nextNode()!;
      while (!text.textContent!.includes('bobby')) text = walk.nextNode()!;
      const x = (i: number) => {
        const r = document.createRange();
        r.setStart(text, i);
        r.setEnd(text, i + 1);
        return r.getBoundingClientRect().left;
      };
      const at = text.textContent!.indexOf('bobby');
      // Left to right: b, o, b, b, y.
      return [0, 1, 2, 3, 4].map((i) => x(at + i));
    });
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
