#!/usr/bin/env node
// `npm test`: lint and typecheck every project, start one real Kafka, Postgres
// and schema registry for the whole run (or reuse `inplay up --infra-only`),
// run every project's tests through Nx, stop what it started, print one total.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'test-results');
const env = { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false', KAFKAJS_NO_PARTITIONER_WARNING: '1' };
const started = Date.now();

function nx(args) {
  const res = spawnSync('npx', ['nx', ...args, '--outputStyle=stream'], { cwd: ROOT, env, stdio: 'inherit' });
  return res.status ?? 1;
}

function totals() {
  let passed = 0; let failed = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.json')) {
        const report = JSON.parse(readFileSync(path, 'utf8'));
        passed += report.numPassedTests ?? 0;
        failed += report.numFailedTests ?? 0;
        // A file that fails to load counts as one failure even though none of its tests ran.
        for (const file of report.testResults ?? []) {
          if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed')) failed += 1;
        }
      }
    }
  };
  walk(RESULTS);
  return { passed, failed };
}

rmSync(RESULTS, { recursive: true, force: true });
let status = nx(['run-many', '-t', 'lint', 'typecheck']);
if (status === 0) {
  const { acquireInfra, TEST_INFRA_ENV } = await import('../libs/testing/src/global-setup.ts');
  console.error('Starting the test infrastructure (Kafka, Postgres, schema registry)...');
  const infra = await acquireInfra();
  console.error(`Test infrastructure: ${infra.source}`);
  env[TEST_INFRA_ENV] = JSON.stringify(infra.endpoints);
  try {
    // One project at a time: integration suites share one broker and two cores, and timing-sensitive
    // tests (kill -9 recovery, slow consumers) must not compete with each other for CPU.
    status = nx(['run-many', '-t', 'test', '--parallel=1']);
  } finally {
    await infra.release();
  }
}
const { passed, failed } = totals();
console.log(`\nnpm test finished in ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${status}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
