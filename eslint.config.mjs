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
    // Components reach server actions through app/_actions, never through a route's folder:
    // moving a page must not break what imports from it.
    files: ['components/**/*.{ts,tsx}'],
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
  {
    // The domain knows nothing of routes or React: lib/ imports neither app/ nor components/.
    files: ['lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@/|(\\.\\./)+)(app|components)(/|$)',
              message: 'lib/ is the domain: it may not import from app/ or components/. Move what both need into lib/.',
            },
          ],
        },
      ],
    },
  },
  globalIgnores(['.next/**', '.next-*/**', '.data/**', 'out/**', 'build/**', 'next-env.d.ts', 'drizzle/**', 'test-results/**', 'playwright-report/**']),
]);
