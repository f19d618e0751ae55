#!/usr/bin/env node
/**
 * Bundles the browser artefacts into dist/ with esbuild (no tsc emit) and enforces the size
 * budgets: the client ≤ 7 KB gzip, the bell ≤ 20 KB gzip (it includes the client). The client's
 * budget was 6 KB until sharing became per user (+0.8 KB); about 0.9 KB of it is the protocol's
 * error registry, whose server-side messages the client never shows.
 *
 *   node scripts/build.mjs           build and print the size table
 *   node scripts/build.mjs --quiet   print nothing unless a budget fails
 *
 * Exit 1 when a build fails or a budget is exceeded.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const KB = 1024;

/** Each artefact: entry, output, externals, and its gzip budget (null: none). */
const TARGETS = [
  { name: 'client', entry: 'packages/client/src/index.ts', out: 'dist/herald-client.js', external: [], budget: 7 * KB },
  { name: 'ui', entry: 'packages/ui/src/register.ts', out: 'dist/herald-bell.js', external: [], budget: 20 * KB },
  { name: 'react', entry: 'packages/react/src/index.ts', out: 'dist/herald-react.js', external: ['react', 'react-dom', 'react/jsx-runtime'], budget: null },
];

const started = performance.now();
mkdirSync(join(root, 'dist'), { recursive: true });

const results = await Promise.allSettled(
  TARGETS.map((t) =>
    build({
      absWorkingDir: root,
      entryPoints: [t.entry],
      outfile: t.out,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      sourcemap: false,
      external: t.external,
      jsx: 'automatic',
      logLevel: 'silent',
    }),
  ),
);

const rows = [];
let failed = false;
for (const [i, r] of results.entries()) {
  const t = TARGETS[i];
  if (r.status === 'rejected') {
    failed = true;
    rows.push({ ...t, error: String(r.reason?.message ?? r.reason).split('\n').slice(0, 6).join('\n') });
    continue;
  }
  const bytes = readFileSync(join(root, t.out));
  const gz = gzipSync(bytes, { level: 9 }).length;
  const over = t.budget !== null && gz > t.budget;
  if (over) failed = true;
  rows.push({ ...t, min: bytes.length, gz, over });
}

const kb = (n) => `${(n / KB).toFixed(2)} KB`;
if (!quiet || failed) {
  const lines = [['artefact', 'file', 'minified', 'gzip', 'budget (gzip)', '']];
  for (const r of rows) {
    if (r.error) lines.push([r.name, r.out, '-', '-', r.budget ? kb(r.budget) : '-', 'BUILD FAILED']);
    else lines.push([r.name, r.out, kb(r.min), kb(r.gz), r.budget ? kb(r.budget) : '-', r.over ? 'OVER BUDGET' : 'ok']);
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const [n, l] of lines.entries()) {
    console.log(l.map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  for (const r of rows) if (r.error) console.error(`\n${r.name}: ${r.error}`);
  console.log(`built in ${Math.round(performance.now() - started)} ms`);
}
process.exit(failed ? 1 : 0);
