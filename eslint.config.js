// ESLint flat config: a small, type-aware rule set aimed at failures nobody handles. A promise
// that rejects with no handler kills the node (unhandled rejection), so these rules run in
// `npm test` at zero findings. The list stays short on purpose: zero must stay reachable.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { noUnexplainedSilence } from './scripts/lint/no-unexplained-silence.js';

export default defineConfig(
  {
    // test/lint-fixtures holds deliberate findings; test/lint.test.ts lints it on purpose.
    ignores: ['**/node_modules/**', '**/dist/**', '.test-tmp/**', '.herald/**', 'bench/results/**', 'test/lint-fixtures/**'],
  },
  {
    files: ['**/*.{ts,tsx,mts,js,mjs}'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // One explicit program, tsconfig.json plus the plain .mjs/.js files (tsconfig.eslint.json),
        // rather than the project service: those files belong to no tsconfig, and the service's
        // default project is meant for a handful of files, not the bench's thirty.
        project: './tsconfig.eslint.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: {
      '@typescript-eslint': tseslint.plugin,
      herald: { rules: { 'no-unexplained-silence': noUnexplainedSilence } },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise must be awaited, returned, or given a rejection handler.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a void callback is expected (setInterval, an event listener)
      // rejects into nowhere.
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `return promise` inside try skips the catch; outside try, `return await` is noise.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // An async executor's throw is lost; the promise never settles.
      'no-async-promise-executor': 'error',
      // Throws carry an Error (a stack, a cause, a HeraldError code).
      '@typescript-eslint/only-throw-error': 'error',
      // `void p`, `.catch(() => {})` and `catch {}` log and count, or say why silence is right.
      'herald/no-unexplained-silence': 'error',
    },
  },
);
