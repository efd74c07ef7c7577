// One vitest configuration for every project: unit and integration specs side
// by side (*.unit.spec.ts, *.int.spec.ts); integration projects get the global
// setup that provides real Kafka, Postgres and the registry. Each run writes a
// JSON report to test-results/ so `npm test` can print one total.
import { defineConfig } from 'vitest/config';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));
/** Where the JSON reports go: test-results/, or INPLAY_TEST_RESULTS_DIR (npm test's second pass against the container cluster). */
const RESULTS = process.env['INPLAY_TEST_RESULTS_DIR'] ?? join(ROOT, 'test-results');

export function projectConfig(configUrl: string, options: { integration?: boolean; environment?: 'node' | 'jsdom' } = {}) {
  const dir = dirname(fileURLToPath(configUrl));
  const name = join(basename(dirname(dir)), basename(dir));
  return defineConfig({
    test: {
      include: ['src/**/*.spec.ts'],
      environment: options.environment ?? 'node',
      reporters: ['default', ['json', { outputFile: join(RESULTS, `${name}.json`) }]],
      ...(options.integration
        ? { globalSetup: [join(ROOT, 'libs/testing/src/global-setup.ts')], testTimeout: 60_000, hookTimeout: 180_000 }
        : { testTimeout: 20_000 }),
    },
  });
}
