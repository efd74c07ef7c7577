import { projectConfig } from '../../vitest.shared.ts';

// Browser tests: the whole product in child processes, one file at a time,
// reported beside the unit tests' report.
const config = projectConfig(import.meta.url, { integration: true });
export default {
  ...config,
  test: {
    ...config.test,
    include: ['e2e/**/*.e2e.spec.ts'],
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: '../../test-results/apps/web-e2e.json' }]],
  },
};
