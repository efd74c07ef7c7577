// The architecture as the tools enforce it: the lint rule refuses a service
// importing another service, a test harness or vitest in production code, a
// library importing an app and I/O in the domain; and the graph Nx caches by
// is the real one, so touching a gateway file invalidates the cached tests of
// everything that runs the gateway — and of nothing else.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@inplay/infra';

/** Seconds Nx may take to compute the project graph on a cold box. */
const NX_TIMEOUT_MS = 120_000;
const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

function nx(args: string[]): string {
  const res = spawnSync('npx', ['nx', ...args], { cwd: REPO_ROOT, env: nxEnv, encoding: 'utf8', timeout: NX_TIMEOUT_MS });
  if (res.status !== 0) throw new Error(`nx ${args.join(' ')} failed (${res.status}):\n${res.stderr}\n${res.stdout}`);
  return res.stdout;
}

describe('module boundaries (ESLint, the one config of the repository)', () => {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const problems = async (file: string, code: string) =>
    (await eslint.lintText(code, { filePath: join(REPO_ROOT, file) }))[0]!.messages.map((m) => `${m.ruleId}: ${m.message}`);

  it.each([
    ['a service importing another service', 'apps/gateway/src/planted.ts', "import { createUser } from '@inplay/settlement';\nexport const x = createUser;\n", /enforce-module-boundaries: A project tagged with "type:app" can only depend on libs tagged with "type:lib"/],
    ['a service reaching into another by path', 'apps/settlement/src/planted.ts', "import { registerOrderRoutes } from '../../gateway/src/orders/routes';\nexport const x = registerOrderRoutes;\n", /enforce-module-boundaries: Projects cannot be imported by a relative or absolute path/],
    ['production code loading vitest', 'apps/pricing/src/planted.ts', "import { expect } from 'vitest';\nexport const x = expect;\n", /no-restricted-imports: 'vitest' import is restricted/],
    ['production code importing a test harness', 'apps/gateway/src/planted.ts', "import { eventually } from '@inplay/testing';\nexport const x = eventually;\n", /no-restricted-imports: '@inplay\/testing' import is restricted/],
    ['production code importing a benchmark', 'apps/settlement/src/planted.ts', "import { benchSettlement } from '@inplay/bench';\nexport const x = benchSettlement;\n", /(no-restricted-imports: '@inplay\/bench'|enforce-module-boundaries)/],
    ['a library importing an app', 'libs/kafka/src/planted.ts', "import { startGateway } from '@inplay/gateway';\nexport const x = startGateway;\n", /enforce-module-boundaries/],
    ['I/O in the domain', 'libs/domain/src/planted.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /no-restricted-imports: 'node:fs' import is restricted/],
    ['a focused test', 'libs/domain/src/planted.unit.spec.ts', "import { it } from 'vitest';\nit.only('x', () => undefined);\n", /no-restricted-properties: 'it.only' is restricted/],
  ])('fails on %s', async (_what, file, code, expected) => {
    expect(await problems(file, code)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  }, 60_000);

  it('accepts the same imports where the layers allow them (positive control)', async () => {
    expect(await problems('apps/gateway/src/planted.ts', "import { createPool } from '@inplay/db';\nexport const x = createPool;\n")).toEqual([]);
    expect(await problems('apps/cli/src/planted.ts', "import { createUser } from '@inplay/settlement';\nexport const x = createUser;\n")).toEqual([]);
    expect(await problems('apps/gateway/src/planted.int.spec.ts', "import { eventually } from '@inplay/testing';\nexport const x = eventually;\n")).toEqual([]);
  }, 60_000);
});

describe('the graph Nx caches by', () => {
  let plans: Record<string, string[]>;
  beforeAll(() => {
    const file = join(mkdtempSync(join(tmpdir(), 'nx-graph-')), 'tasks.json');
    nx(['run-many', '-t', 'test', `--graph=${file}`]);
    plans = (JSON.parse(readFileSync(file, 'utf8')) as { taskPlans: Record<string, string[]> }).taskPlans;
  }, NX_TIMEOUT_MS);

  const hashesGatewaySources = (task: string) => (plans[task] ?? []).includes('@inplay/gateway:apps/gateway/**/*');

  it('lists as affected by a gateway file exactly the gateway and what runs it', () => {
    const affected = nx(['show', 'projects', '--affected', '--files=apps/gateway/src/gateway.ts', '--json']);
    expect(new Set(JSON.parse(affected) as string[])).toEqual(new Set(['@inplay/gateway', '@inplay/cli', '@inplay/bench', '@inplay/e2e']));
  }, NX_TIMEOUT_MS);

  it('hashes the gateway\'s sources into the cached tests of its dependants, and of no sibling service', () => {
    for (const task of ['@inplay/gateway:test', '@inplay/cli:test', '@inplay/bench:test', '@inplay/e2e:test']) expect(hashesGatewaySources(task), task).toBe(true);
    for (const task of ['@inplay/pricing:test', '@inplay/settlement:test', '@inplay/feed-ingest:test', '@inplay/leaderboard:test', '@inplay/domain:test']) expect(hashesGatewaySources(task), task).toBe(false);
  });

  it('hashes every app the browser tests start into their cached result (implicit dependencies)', () => {
    const e2e = plans['@inplay/e2e:test'] ?? [];
    for (const app of ['web', 'pricing', 'settlement', 'leaderboard', 'feed-ingest', 'gateway']) expect(e2e, app).toContain(`@inplay/${app}:apps/${app}/**/*`);
  });
});
