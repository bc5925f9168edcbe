// Lint: the recommended TypeScript rules, plus the one rule that keeps workflow code deterministic-safe:
// workflows may import only @temporalio/workflow and common/ (DESIGN §1).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.overseer/**', 'test/histories/**', 'dashboard/dist/**', 'test-artifacts/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', Buffer: 'readonly', AbortController: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'common/**/*.ts'],
    ignores: ['common/plan-schema.ts'],
    rules: {
      // Type-only imports are erased before bundling, so workflows may name activity types.
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'child_process', 'os', 'crypto'], message: 'Workflow and common code must not touch Node APIs.', allowTypeImports: true },
          { group: ['zod', 'execa', 'simple-git', 'yaml', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Keep heavy and non-deterministic modules out of the workflow bundle.', allowTypeImports: true },
          { group: ['**/activities/**', '**/client/**', '**/workers/**', '**/plan-schema'], message: 'Workflows import only @temporalio/workflow and common/.', allowTypeImports: true },
        ],
      }],
    },
  },
);
