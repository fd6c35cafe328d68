// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'migrations/**',
      '.data/**',
      'e2e/screenshots/**',
      'bench/.out/**',
      // Generated (packages/api/scripts/emit-client-types.ts).
      'packages/api/client-types/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The dashboard gets the API's generated types, never the server's code or sources.
    files: ['apps/web/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@acme/db',
                '@acme/db/*',
                '@acme/jobs',
                '@acme/jobs/*',
                '@acme/realtime',
                '@acme/runtime/*',
              ],
              message: 'Node-only package: the dashboard may not import it.',
            },
            {
              // Exact names: @acme/api/client (browser-safe) and @acme/api/client-types stay allowed.
              regex: '^@acme/api(/(?!client$|client-types$).*)?$',
              message:
                "Types from @acme/api/client-types (the router's generated declaration), the client from @acme/api/client: the server's sources stay out of the dashboard's typecheck.",
            },
          ],
        },
      ],
    },
  },
  {
    // Packages never reach into apps; the test kit starts them, and only tests import the kit.
    files: ['packages/**/*.ts'],
    ignores: ['packages/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@acme/server', '@acme/worker', '@acme/web'],
              message: 'Packages may not import apps.',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
