import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Components and the domain reach server actions through app/_actions, never through a route's
    // folder: moving a page must not break what imports from it.
    files: ['components/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@/app/\\(',
              message: 'Import server actions from @/app/_actions/<feature>, not from a route group of app/.',
            },
            {
              regex: '^(\\.\\./)+app/\\(',
              message: 'Import server actions from @/app/_actions/<feature>, not from a route group of app/.',
            },
          ],
        },
      ],
    },
  },
  globalIgnores(['.next/**', '.next-*/**', '.data/**', 'out/**', 'build/**', 'next-env.d.ts', 'drizzle/**', 'test-results/**', 'playwright-report/**']),
]);
