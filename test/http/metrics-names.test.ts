/**
 * `/metrics` names: each is `herald_` plus one name, with no segment doubled
 * (`herald_process_process_…`), and every metric the README documents is served.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSqliteApp, type SqliteApp } from '../storage/support/sqlite-app.ts';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** The metric names listed in the README's "### Metrics" section. */
function documented(): string[] {
  const start = README.indexOf('\n### Metrics\n');
  expect(start, 'README has a ### Metrics section').toBeGreaterThan(0);
  const section = README.slice(start + 1, README.indexOf('\n#', start + 2));
  return [...new Set([...section.matchAll(/`(herald_[a-z0-9_]+)`/g)].map((m) => m[1]!))];
}

let app: SqliteApp | undefined;
afterAll(async () => app?.close());

describe('metric names', () => {
  it('every metric is herald_ plus one name with no doubled segment, and every documented metric is served', async () => {
    app = await startSqliteApp();
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !n.startsWith('herald_'))).toEqual([]);
    expect(names.filter((n) => /(^|_)([a-z0-9]+)_\2(_|$)/.test(n))).toEqual([]);
    expect(names).toContain('herald_process_cpu_user_seconds_total');
    const docs = documented();
    expect(docs.length).toBeGreaterThan(5);
    expect(docs.filter((n) => !names.includes(n))).toEqual([]);
  });
});
