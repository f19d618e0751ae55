/**
 * Where browser tests put their screenshots. Tests never rewrite tracked files: by default the
 * shots go to `.test-tmp/screenshots/` (ignored by git). `npm run screenshots` sets
 * `HERALD_SCREENSHOTS_DIR=docs/screenshots` to refresh the README's pictures on purpose.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** The directory for screenshots, created if missing; ends with a slash. */
export function screenshotDir(): string {
  const dir = resolve(ROOT, process.env.HERALD_SCREENSHOTS_DIR ?? join('.test-tmp', 'screenshots'));
  mkdirSync(dir, { recursive: true });
  return `${dir}/`;
}
