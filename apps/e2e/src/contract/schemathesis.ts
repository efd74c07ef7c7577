// Schemathesis (from PyPI, pinned, in a virtualenv under the cache) fuzzing one
// listener from docs/api/openapi.yaml: a bounded, seeded, stateless run whose
// JSON report, JUnit report and HAR are read back into figures and findings.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { localDirs } from '@inplay/config';
import { ManagedProcess, REPO_ROOT, ensurePythonTool, type PythonTool } from '@inplay/infra';

export const SCHEMATHESIS: PythonTool = { pypiPackage: 'schemathesis', version: '4.32.5', executable: 'schemathesis' };
export const OPENAPI_DOCUMENT = join(REPO_ROOT, 'docs/api/openapi.yaml');
export const HOOKS_FILE = join(REPO_ROOT, 'apps/e2e/src/contract/hooks.py');
export const CONFIG_FILE = join(REPO_ROOT, 'apps/e2e/src/contract/schemathesis.toml');

/** Generated test cases per operation in the fuzzing phase (examples and coverage phases add their own fixed sets). */
export const MAX_EXAMPLES_PER_OPERATION = 20;
/**
 * One listener's run is stopped past this, and the spec fails: a hung request or a slow phase must not hold
 * CI. (Not schemathesis' --max-time: with it the fuzzing phase repeats until the budget is spent.)
 */
export const RUN_TIME_LIMIT_MS = 45_000;
/** How long a stopped run gets to exit after SIGTERM. */
const RUN_STOP_GRACE_MS = 1_000;
/** The same cases every run. */
export const FUZZ_SEED = 19;
/** Stateless: examples from the document, boundary values (coverage) and generated cases (fuzzing); no stateful chains. */
export const PHASES = ['examples', 'coverage', 'fuzzing'] as const;
/**
 * Every built-in check except these, each because it cannot apply here:
 * - positive_data_acceptance: a request valid by the document is still refused by state the document cannot
 *   express (an unknown player or match, a used Idempotency-Key or delivery id, the rate limit).
 * - use_after_free, ensure_resource_availability: stateful checks (a DELETE, then a GET); the API deletes nothing.
 * - object_level_authorization: needs two users' resources linked by the stateful phase, which is not run.
 */
export const EXCLUDED_CHECKS = ['positive_data_acceptance', 'use_after_free', 'ensure_resource_availability', 'object_level_authorization'] as const;
/**
 * And on the gateway's listeners:
 * - unsupported_method: the document says another method on a gateway path gets the listener's catch-all
 *   404 NOT_FOUND (x-unmatched-request), not 405; and uWebSockets.js 20.30 drops the connection on a method it
 *   does not know (QUERY) before any route of ours runs. feed-ingest answers 405 with Allow and keeps the check.
 * - missing_required_header: GET /ws without `Upgrade: websocket` is not an upgrade, and the catch-all's
 *   documented 404 answers it; the check accepts only 400/401/403/406/415/422. A missing Idempotency-Key
 *   is still checked against its documented 400 by status_code_conformance.
 */
export const GATEWAY_EXCLUDED_CHECKS = ['unsupported_method', 'missing_required_header'] as const;

export interface Listener {
  /** The OpenAPI tag of the listener's operations. */
  tag: 'public' | 'internal' | 'feed-ingest';
  baseUrl: string;
}

export interface HarExchange {
  method: string;
  url: string;
  status: number;
  requestHeaders: Record<string, string>;
  responseText: string;
}

export interface ListenerFigures {
  tag: Listener['tag'];
  exitCode: number | null;
  durationMs: number;
  /** The listener's operations in the document ("POST /orders"), and those that were sent at least one request. */
  operations: string[];
  operationsCovered: string[];
  /** Operations with at least one failed check, with schemathesis' message. */
  failures: { operation: string; message: string }[];
  /** Errors (not check failures): a hook or schema problem, a network error. */
  errors: { operation: string; message: string }[];
  testCasesGenerated: number;
  exchanges: HarExchange[];
  log: string;
}

/** Operation labels of the document ("GET /orders/{orderId}") whose tags include `tag`, or all when none given. */
export function documentOperations(tag?: Listener['tag']): string[] {
  const document = parseYaml(readFileSync(OPENAPI_DOCUMENT, 'utf8')) as { paths: Record<string, Record<string, { tags?: string[] }>> };
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  return Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item)
    .filter(([method, operation]) => methods.includes(method) && (tag === undefined || (operation.tags ?? []).includes(tag)))
    .map(([method]) => `${method.toUpperCase()} ${path}`));
}

export function ensureSchemathesis(): Promise<string> {
  return ensurePythonTool(localDirs().cacheDir, SCHEMATHESIS);
}

/** Runs schemathesis against one listener; `env` carries the tokens the config file and the hooks read. */
export async function fuzzListener(executable: string, listener: Listener, reportDir: string, env: Record<string, string>): Promise<ListenerFigures> {
  const dir = join(reportDir, listener.tag);
  // Reports of an earlier run must never pass for this one's.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const paths = { junit: join(dir, 'junit.xml'), json: join(dir, 'run.json'), har: join(dir, 'requests.har'), log: join(dir, 'schemathesis.log') };
  const args = [
    '--config-file', CONFIG_FILE, '--no-color', 'run', OPENAPI_DOCUMENT, '--url', listener.baseUrl, '--include-tag', listener.tag,
    '--phases', PHASES.join(','), '--checks', 'all', '--exclude-checks', [...EXCLUDED_CHECKS, ...(listener.tag === 'feed-ingest' ? [] : GATEWAY_EXCLUDED_CHECKS)].join(','),
    '--max-examples', String(MAX_EXAMPLES_PER_OPERATION), '--seed', String(FUZZ_SEED),
    '--generation-database', 'none', '--workers', '1',
    '--report', 'junit,json,har', '--report-junit-path', paths.junit, '--report-json-path', paths.json, '--report-har-path', paths.har,
  ];
  const started = Date.now();
  const run = new ManagedProcess(`schemathesis-${listener.tag}`, executable, args, paths.log, {
    cwd: dir, env: { ...process.env, ...env, SCHEMATHESIS_HOOKS: HOOKS_FILE },
  });
  let overTime = false;
  const limit = setTimeout(() => { overTime = true; void run.stop(RUN_STOP_GRACE_MS); }, RUN_TIME_LIMIT_MS);
  const exitCode = await run.whenExited();
  clearTimeout(limit);
  const durationMs = Date.now() - started;
  const log = readFileSync(paths.log, 'utf8');
  if (overTime) throw new Error(`schemathesis (${listener.tag}) ran past RUN_TIME_LIMIT_MS (${RUN_TIME_LIMIT_MS} ms) and was stopped:\n${log.slice(-4_000)}`);
  if (!existsSync(paths.json)) throw new Error(`schemathesis (${listener.tag}) wrote no report, exit ${exitCode}:\n${log.slice(-4_000)}`);
  const report = JSON.parse(readFileSync(paths.json, 'utf8')) as { test_cases: { generated: number } };
  const junit = existsSync(paths.junit) ? readJunit(readFileSync(paths.junit, 'utf8')) : { failures: [], errors: [] };
  const exchanges = existsSync(paths.har) ? readHar(readFileSync(paths.har, 'utf8')) : [];
  const operations = documentOperations(listener.tag);
  return {
    tag: listener.tag, exitCode, durationMs, operations, operationsCovered: operationsCovered(operations, exchanges), failures: junit.failures, errors: junit.errors,
    testCasesGenerated: report.test_cases.generated, exchanges, log,
  };
}

const XML_ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };
const unescapeXml = (text: string): string => text.replace(/&(lt|gt|quot|apos|amp);/g, (e) => XML_ENTITIES[e] ?? e);

/** The failures and errors of schemathesis' JUnit report (one test case per operation). */
export function readJunit(xml: string): { failures: ListenerFigures['failures']; errors: ListenerFigures['errors'] } {
  const failures: ListenerFigures['failures'] = [];
  const errors: ListenerFigures['errors'] = [];
  for (const match of xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const operation = unescapeXml(match[1] ?? '');
    for (const [, kind, text] of (match[2] ?? '').matchAll(/<(failure|error)[^>]*?(?:\/>|>([\s\S]*?)<\/\1>)/g)) {
      (kind === 'failure' ? failures : errors).push({ operation, message: unescapeXml(text ?? '') });
    }
  }
  return { failures, errors };
}

/** The operations of `operations` ("GET /orders/{orderId}") that at least one exchange was sent to. */
export function operationsCovered(operations: string[], exchanges: HarExchange[]): string[] {
  const sent = new Set(exchanges.map((x) => `${x.method} ${new URL(x.url).pathname}`));
  return operations.filter((operation) => {
    const [method, template] = operation.split(' ') as [string, string];
    const path = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return [...sent].some((s) => s.startsWith(`${method} `) && path.test(s.slice(method.length + 1)));
  });
}

/** Every request schemathesis sent and the answer it got, from its HAR. */
export function readHar(text: string): HarExchange[] {
  const har = JSON.parse(text) as { log: { entries: { request: { method: string; url: string; headers: { name: string; value: string }[] }; response: { status: number; content?: { text?: string } } }[] } };
  return har.log.entries.map((e) => ({
    method: e.request.method, url: e.request.url, status: e.response.status,
    requestHeaders: Object.fromEntries(e.request.headers.map((h) => [h.name.toLowerCase(), h.value])),
    responseText: e.response.content?.text ?? '',
  }));
}
