/**
 * The linter is wired: `npm test` runs it, it covers every source folder, and the project's own
 * config reports a floating promise, an async callback where a void one is expected, and a
 * failure dropped without a word (see scripts/lint/no-unexplained-silence.js).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test/lint-fixtures');

/**
 * A fixture's `// expect line <n>: <rule>` header, as `<n> <rule>` (in the header, not beside the
 * code: a comment beside a dropped failure is the very explanation the silence rule accepts).
 */
function expected(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\/\/ expect line (\d+): (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
}

async function lint(name: string): Promise<{ found: string[]; expected: string[] }> {
  // The project's rules, on a program of just the fixtures (the whole repository takes seconds).
  const eslint = new ESLint({
    cwd: root,
    ignore: false,
    overrideConfig: { languageOptions: { parserOptions: { project: 'test/lint-fixtures/tsconfig.json' } } },
  });
  const file = join(fixtures, name);
  const [result] = await eslint.lintFiles([file]);
  const found = result!.messages.map((m) => `${m.line} ${m.ruleId ?? m.message}`);
  return { found: found.sort(), expected: expected(file).sort() };
}

describe('the linter', () => {
  it('npm test runs the linter with zero warnings allowed', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.lint).toMatch(/^eslint .*--max-warnings 0/);
    expect(scripts.test).toContain('npm run lint');
  });

  it('covers the packages, their bins, the tests, the bench and the scripts, and skips build output', async () => {
    const eslint = new ESLint({ cwd: root });
    for (const file of ['packages/server/src/hub/hub.ts', 'packages/server/bin/herald.js', 'packages/ui/src/bell-element.ts', 'test/e2e/support/api.ts', 'bench/run.mjs', 'scripts/build.mjs']) {
      expect(await eslint.isPathIgnored(join(root, file)), file).toBe(false);
      const { rules } = (await eslint.calculateConfigForFile(join(root, file))) as { rules: Record<string, [number, ...unknown[]]> };
      for (const rule of ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises', 'herald/no-unexplained-silence']) {
        expect(rules[rule]?.[0], `${rule} on ${file}`).toBe(2);
      }
    }
    expect(await eslint.isPathIgnored(join(root, 'dist/herald-client.js'))).toBe(true);
  });

  it('reports a floating promise and an async callback passed where a void one is expected', async () => {
    const { found, expected } = await lint('floating.ts');
    expect(expected.length).toBe(2);
    expect(found).toEqual(expected);
  });

  it('reports a voided promise, an empty rejection handler and an empty catch unless a comment says why', async () => {
    const { found, expected } = await lint('silence.ts');
    expect(expected.length).toBe(5);
    expect(found).toEqual(expected);
  });
});
