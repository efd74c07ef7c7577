#!/usr/bin/env node
// `npm test`: lint and typecheck every project, start one real Kafka, Postgres
// and schema registry for the whole run (or reuse `inplay up --infra-only`),
// run every project's tests through Nx, stop what it started; then run the
// Kafka and settlement suites again against the container cluster (3 brokers,
// RF 3, min.insync 2; skip with INPLAY_TEST_CONTAINERS=0); print one total.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'test-results');
/**
 * The suites the second pass runs against the container cluster: the Kafka adapter's, settlement's
 * and the order path's (gateway → orders → settlement → ledger, including kill -9 mid-batch); the
 * rest stays on local processes to keep CI short.
 */
const CONTAINER_SUITES = [
  { project: '@inplay/kafka' },
  { project: '@inplay/settlement' },
  { project: '@inplay/e2e', files: 'src/order-path' },
];
const env = { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false', KAFKAJS_NO_PARTITIONER_WARNING: '1' };
const started = Date.now();
/** How many lines of each failure's message the closing list shows. */
const FAILURE_LINES = 12;

function nx(args) {
  const res = spawnSync('npx', ['nx', ...args, '--outputStyle=stream'], { cwd: ROOT, env, stdio: 'inherit' });
  return res.status ?? 1;
}

function totals(root = RESULTS) {
  let passed = 0; let failed = 0;
  /** Each failure as "project file › test: first line of the message", so that the tail of a CI log names them. */
  const failures = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.json')) {
        const report = JSON.parse(readFileSync(path, 'utf8'));
        passed += report.numPassedTests ?? 0;
        failed += report.numFailedTests ?? 0;
        for (const file of report.testResults ?? []) {
          const where = file.name ? file.name.replace(`${ROOT}/`, '') : path;
          for (const a of file.assertionResults ?? []) {
            if (a.status === 'failed') failures.push(`${where} › ${a.fullName ?? a.title}: ${headLines(a.failureMessages?.[0])}`);
          }
          // A file that fails to load counts as one failure even though none of its tests ran.
          if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed')) {
            failed += 1;
            failures.push(`${where} (did not load): ${headLines(file.message)}`);
          }
        }
      }
    }
  };
  walk(root);
  return { passed, failed, failures };
}

/** A failure's first lines (the assertion and what it says about itself, not the stack), each cut to 300 characters. */
function headLines(text, lines = FAILURE_LINES) {
  // eslint-disable-next-line no-control-regex
  const all = String(text ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim() !== '');
  const stackAt = all.findIndex((l) => /^\s+at /.test(l));
  const head = (stackAt > 0 ? all.slice(0, stackAt) : all).slice(0, lines);
  return head.map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l.trimEnd())).join('\n      ');
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
  const containersPass = process.env['INPLAY_TEST_CONTAINERS'] !== '0' && process.env['INPLAY_INFRA'] !== 'containers' && !process.env[TEST_INFRA_ENV];
  if (containersPass) status = Math.max(status, await containerPass(acquireInfra, TEST_INFRA_ENV));
}

/** The second pass: a 3-broker cluster, Postgres and the registry in containers (images built when missing). */
async function containerPass(acquireInfra, infraEnv) {
  console.error(`\nSecond pass: ${CONTAINER_SUITES.map((x) => x.files ? `${x.project} ${x.files}` : x.project).join(', ')} against the container cluster (INPLAY_TEST_CONTAINERS=0 skips it)...`);
  const passStarted = Date.now();
  const previous = process.env['INPLAY_INFRA'];
  process.env['INPLAY_INFRA'] = 'containers';
  let infra;
  try {
    infra = await acquireInfra();
  } catch (err) {
    console.error(`✗ the container cluster did not start: ${err.message}`);
    return 1;
  } finally {
    if (previous === undefined) delete process.env['INPLAY_INFRA']; else process.env['INPLAY_INFRA'] = previous;
  }
  console.error(`Test infrastructure: ${infra.source}, up in ${((Date.now() - passStarted) / 1000).toFixed(0)} s`);
  const passEnv = { ...env, [infraEnv]: JSON.stringify(infra.endpoints), INPLAY_TEST_RESULTS_DIR: join(RESULTS, 'containers') };
  try {
    let worst = 0;
    for (const suite of CONTAINER_SUITES) {
      // No cache: the same inputs ran in the first pass, against other infrastructure.
      const args = ['nx', 'run', `${suite.project}:test`, '--skip-nx-cache', '--outputStyle=stream', ...(suite.files ? ['--', suite.files] : [])];
      const res = spawnSync('npx', args, { cwd: ROOT, env: passEnv, stdio: 'inherit' });
      worst = Math.max(worst, res.status ?? 1);
    }
    return worst;
  } finally {
    await infra.release();
    console.error(`Second pass done in ${((Date.now() - passStarted) / 1000).toFixed(0)} s`);
  }
}
const { passed, failed, failures } = totals();
console.log(`\nnpm test finished in ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${status}`);
const second = totals(join(RESULTS, 'containers'));
console.log(`${passed} passed, ${failed} failed${second.passed + second.failed > 0 ? ` (${second.passed} passed, ${second.failed} failed of them in the container pass)` : ''}`);
if (failures.length > 0) console.log(`Failed:\n${failures.map((f) => `  ✗ ${f}`).join('\n')}`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
