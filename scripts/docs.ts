/**
 * Regenerates the generated parts of README.md (the configuration table and the error codes)
 * from their single sources. `npm run docs`; `test/docs.test.ts` fails when they drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ERROR_CODES } from '@herald/protocol';
import { renderConfigTable } from '../packages/server/src/config/config-table.ts';

export function renderErrorTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.message} |`);
  return ['| Code | HTTP | Meaning |', '|---|---|---|', ...rows].join('\n') + '\n';
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function fill(doc: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- ${name}:start[^>]*-->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(doc)) throw new Error(`README.md lacks the ${name} markers`);
  return doc.replace(re, `$1${body}$2`);
}

export function renderReadme(doc: string): string {
  return fill(fill(doc, 'config-table', renderConfigTable()), 'error-codes', renderErrorTable());
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const path = new URL('../README.md', import.meta.url);
  writeFileSync(path, renderReadme(readFileSync(path, 'utf8')));
}
