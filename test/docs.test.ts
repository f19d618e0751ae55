/**
 * The docs are part of the product: generated tables must match their sources, every error code
 * and every route must be documented, and the quick start must have exactly two commands.
 */
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../scripts/docs.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has the generated tables up to date (run npm run docs)', () => {
    expect(renderReadme(readme)).toBe(readme);
  });

  it('documents every error code', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(readme, code).toContain(`\`${code}\``);
  });

  it('documents every route the server registers', async () => {
    const { createTestApp } = await import('./support/test-app.ts');
    const { app, close } = await createTestApp();
    try {
      const spec = app.swagger() as { paths: Record<string, Record<string, unknown>> };
      const paths = Object.keys(spec.paths).map((p) => p.replace(/\{(\w+)\}/g, ':$1'));
      expect(paths.length).toBeGreaterThan(10);
      for (const p of paths) {
        const documented = p.startsWith('/v1/inbox/:') ? readme.includes('POST /v1/inbox/read') : p === '/assets/:file' ? readme.includes('/assets/herald-bell.js') : readme.includes(p);
        expect(documented, p).toBe(true);
      }
    } finally {
      await close();
    }
  });

  it('has a quick start of exactly two commands', () => {
    const quick = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(quick.trim().split('\n')).toEqual(['npm ci && npm start', 'npm test']);
  });
});
