/**
 * Real Chromium for browser tests (playwright-core driving Debian's /usr/bin/chromium; no
 * browser downloads here). `chromiumMissing` is null when it can run, else the skip reason.
 */
import { chromium, type Browser } from 'playwright-core';
import { hasBinary, missing } from '../../support/requires.ts';

export const CHROMIUM = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumMissing = missing({ chromium: hasBinary(CHROMIUM) });

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 60_000,
  });
}

/**
 * Polls `check` until it returns a truthy value or the deadline passes, then throws `what` with
 * the last error, and with `observe()` (what was seen instead) when given.
 */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 10_000, observe?: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let i = 0; i < 10_000; i++) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seen = observe ? await observe().then((v) => `; saw ${JSON.stringify(v)}`, () => '') : '';
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${seen}`);
}
