import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

/**
 * The bundle budget: what a page pays to load the SDK (minified, gzip -9). Same as in
 * scripts/build.mjs; 6 KB until sharing became per user.
 */
const BUDGET = 7 * 1024;

it(`bundles to at most ${BUDGET} bytes minified and gzipped for browsers`, async () => {
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const size = gzipSync(out.outputFiles[0].contents, { level: 9 }).length;
  expect(size).toBeGreaterThan(1000);
  expect(size).toBeLessThanOrEqual(BUDGET);
});
