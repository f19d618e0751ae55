/**
 * The frame of suites that drive `<herald-bell>` against its in-memory source
 * (`fixtures/fake-bell.ts`): the bundle served with a page of the suite's own, and one Chromium.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium } from './chromium.ts';
import { bundle, serveFiles, type StaticServer } from './static-server.ts';

export interface FakeBellPage {
  /** The browser (once the suite's `beforeAll` ran). */
  readonly browser: Browser;
  /** The page's URL, without a query. */
  readonly url: string;
}

/** Registers the suite's hooks: `page` is served at `/`, the fake bell's bundle at `/bell.js`. */
export function useFakeBellPage(page: string): FakeBellPage {
  let browser: Browser | undefined;
  let server: StaticServer | undefined;
  beforeAll(async () => {
    const js = await bundle(new URL('../fixtures/fake-bell.ts', import.meta.url).pathname);
    server = await serveFiles({ '/': page, '/bell.js': js });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() {
      return browser ?? expect.unreachable('Chromium has not started');
    },
    get url() {
      return server?.url ?? expect.unreachable('the page server has not started');
    },
  };
}
