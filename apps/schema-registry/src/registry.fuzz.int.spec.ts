// The registry's routes fuzzed on a real server and Postgres: every route
// with hostile subjects, versions, ids, queries, content types, bodies
// (near-valid schemas, compatible and breaking evolutions, garbage) and
// Authorization headers, mixed with valid registrations by the writer so the
// store has history to check against. Every answer is < 500 with Confluent's
// {error_code, message} when refused, a refused request leaves the store as it
// was, and a request without the writer's credentials changes nothing.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import avro from 'avsc';
import { createDatabase, createPool, dropDatabase, type Pool } from '@inplay/db';
import { freePort, startLocalPostgres, type LocalPostgres } from '@inplay/infra';
import { createLogger } from '@inplay/telemetry';
import { rawHttp, type RawResponse } from '@inplay/testing';
import { asTargetText, hostileBody, hostileJsonValue, hostileString, httpHeaderValue, mutatedJson, percentEncoded, TRICKY_STRINGS } from '@inplay/testing/fuzz';
import { REGISTRY_CONTENT_TYPE } from './http';
import { startRegistryServer, type RegistryServer } from './index';

const TEST_STATE_ROOT = '/var/lib/inplay/test';
const WRITER = { username: 'inplay-admin', password: 'registry-fuzz-writer-password' };
const basicAuth = (credentials: string): Buffer => Buffer.from(`Basic ${Buffer.from(credentials, 'latin1').toString('base64')}`, 'latin1');
const WRITER_AUTHORIZATION = basicAuth(`${WRITER.username}:${WRITER.password}`);
let registry: RegistryServer;
let pool: Pool;
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  // A database of its own on the run's Postgres; without an admin URL (external infrastructure), a Postgres of its own.
  const { adminDatabaseUrl } = inject('infra');
  let databaseUrl: string;
  if (adminDatabaseUrl) {
    const name = `registry_fuzz_${randomBytes(4).toString('hex')}`;
    databaseUrl = await createDatabase(adminDatabaseUrl, name);
    cleanup = () => dropDatabase(adminDatabaseUrl, name);
  } else {
    mkdirSync(TEST_STATE_ROOT, { recursive: true });
    const stateDir = mkdtempSync(join(TEST_STATE_ROOT, 'registry-fuzz-'));
    const postgres: LocalPostgres = await startLocalPostgres({ stateDir, port: await freePort() });
    databaseUrl = postgres.url;
    cleanup = async () => { await postgres.stop(); rmSync(stateDir, { recursive: true, force: true }); };
  }
  registry = await startRegistryServer({ databaseUrl, port: 0, host: '127.0.0.1', writers: WRITER, logger: createLogger('schema-registry-fuzz', 'silent') });
  pool = createPool(databaseUrl, { max: 1 });
});
afterAll(async () => {
  await pool?.end();
  await registry?.close();
  await cleanup();
});

/** Everything a request may change: schemas, versions (and which are deleted), compatibility levels. */
async function store(): Promise<string> {
  const { rows } = await pool.query<{ state: string }>(`SELECT concat_ws(' | ',
    (SELECT string_agg(id || ':' || hash, ',' ORDER BY id) FROM schema_registry.schemas),
    (SELECT string_agg(subject || '/' || version || '=' || schema_id || (CASE WHEN deleted THEN 'd' ELSE '' END), ',' ORDER BY subject, version) FROM schema_registry.subject_versions),
    (SELECT string_agg(subject || '=' || compatibility, ',' ORDER BY subject) FROM schema_registry.config)) AS state`);
  return rows[0]?.state ?? '';
}

function expectCleanAnswer(res: RawResponse | null, what: string): void {
  expect(res, what).not.toBeNull();
  const { status, body, headers } = res!;
  expect(status, `${what} → ${status} ${body.slice(0, 300)}`).toBeLessThan(500);
  expect(headers['content-type'], what).toBe(REGISTRY_CONTENT_TYPE);
  const json = JSON.parse(body) as { error_code?: unknown; message?: unknown };
  if (status >= 400) {
    expect(typeof json.error_code, what).toBe('number');
    expect(String(json.error_code).slice(0, 3), what).toBe(String(status));
    expect(typeof json.message, what).toBe('string');
  }
}

const field = (name: string, type: unknown, extra: Record<string, unknown> = {}) => ({ name, type, ...extra });
/** Versions of one record: compatible and breaking evolutions, so registrations meet real compatibility checks. */
const EVOLUTIONS = [
  [field('tradeId', 'string')],
  [field('tradeId', 'string'), field('priceCents', 'long', { default: 0 })],
  [field('tradeId', 'string'), field('priceCents', 'long')],
  [field('tradeId', 'int')],
  [field('tradeId', ['null', 'string'], { default: null })],
].map((fields) => ({ type: 'record', name: 'Trade', namespace: 'inplay.fuzz', fields }));

describe('the registry routes, fuzzed', () => {
  const subject = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('fz-a-value', 'fz-b-value', 'fz%2Fslash-value') },
    fc.constantFrom(...TRICKY_STRINGS).map(percentEncoded),
    hostileString(24).map(percentEncoded),
    hostileString(24).map(asTargetText),
    fc.constantFrom('x'.repeat(3_000), percentEncoded('é'.repeat(300)), '%00', 'a%0Ab', '%', '%E0%A4%A'),
  );
  const number = fc.oneof(fc.constantFrom('1', '2', '3', 'latest', '-1', '0', '2147483647', '2147483648', '99999999999'), fc.constantFrom(...TRICKY_STRINGS).map(percentEncoded), hostileString(8).map(asTargetText));
  const query = fc.oneof({ weight: 4, arbitrary: fc.constant('') }, fc.constantFrom('?deleted=true', '?verbose=TRUE', '?defaultToGlobal=true', '?deleted=%zz', '?a=1&a=2'), hostileString(16).map((q) => `?${asTargetText(q)}`));
  const target = fc.oneof(
    { weight: 10, arbitrary: fc.tuple(fc.constantFrom(
      '/subjects', '/subjects/{s}/versions', '/subjects/{s}/versions/{v}', '/subjects/{s}/versions/{v}/schema', '/subjects/{s}',
      '/schemas/ids/{v}', '/schemas/ids/{v}/schema', '/schemas/ids/{v}/versions', '/schemas/types', '/config', '/config/{s}',
      '/compatibility/subjects/{s}/versions/{v}', '/compatibility/subjects/{s}/versions', '/', '/health',
    ), subject, number, query).map(([path, s, v, q]) => `${path.replace('{s}', s).replace('{v}', v)}${q}`) },
    fc.constantFrom('http://[/subjects', 'http://x/subjects', '//subjects', '*', '/subjects/../config', '/subjects/%'),
    hostileString(32).map((p) => `/${asTargetText(p)}`),
  );
  const schemaBody = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...EVOLUTIONS).map((s) => ({ schema: JSON.stringify(s) })) },
    fc.constantFrom(...EVOLUTIONS).chain((s) => mutatedJson(s)).map((schema) => ({ schema })),
    fc.record({ schema: fc.oneof(hostileString(32), fc.constantFrom('"string"', '{"type":"enum","name":"E","symbols":[]}')), schemaType: fc.oneof(fc.constantFrom('AVRO', 'PROTOBUF'), hostileString(8)), references: fc.array(hostileJsonValue, { maxLength: 1 }) }, { requiredKeys: ['schema'] }),
    fc.constantFrom(...EVOLUTIONS).chain((s) => mutatedJson({ schema: JSON.stringify(s), schemaType: 'AVRO' })).map((text) => JSON.parse(text) as unknown),
  );
  const body = fc.oneof(
    { weight: 4, arbitrary: schemaBody.map((b) => Buffer.from(JSON.stringify(b))) },
    { weight: 2, arbitrary: fc.oneof(fc.constantFrom('NONE', 'BACKWARD', 'FULL_TRANSITIVE', 'forward'), hostileString(12)).map((c) => Buffer.from(JSON.stringify({ compatibility: c }))) },
    { weight: 1, arbitrary: hostileBody({ schema: '"string"' }) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  );
  /** Mostly the writer, so writes reach the store; else none, a wrong one, another scheme or a hostile header. */
  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constant(WRITER_AUTHORIZATION) },
    { weight: 3, arbitrary: fc.constant(undefined) },
    fc.constantFrom(basicAuth(`${WRITER.username}:wrong`), basicAuth(WRITER.username), basicAuth(`:${WRITER.password}`), Buffer.from('Basic'), Buffer.from('Basic !!!!'), Buffer.from('Bearer x.y.z')),
    hostileString(24).map((text) => basicAuth(text)),
    httpHeaderValue(32),
  );
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'GET', 'POST', 'PATCH'),
    target,
    contentType: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(REGISTRY_CONTENT_TYPE, 'application/json', '') }, fc.constantFrom('text/plain', 'application/json; charset=utf-8'), httpHeaderValue(24).map((b) => b.toString('latin1'))),
    body: fc.option(body, { freq: 8, nil: undefined }),
    authorization,
  });

  it('answers any request with < 500 and Confluent error codes; a refused one, or one without the writer\'s credentials, leaves the store as it was', async () => {
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const before = await store();
      const headers: [string, Buffer][] = [
        ...(r.contentType === '' ? [] : [['content-type', Buffer.from(r.contentType, 'latin1')] as [string, Buffer]]),
        ...(r.authorization === undefined ? [] : [['authorization', r.authorization] as [string, Buffer]]),
      ];
      const res = await rawHttp(registry.url, { method: r.method, target: r.target, ...(r.body ? { body: r.body } : {}), headers });
      const asWriter = r.authorization?.equals(WRITER_AUTHORIZATION) === true;
      const what = `${r.method} ${r.target.slice(0, 200)} ${r.body?.toString('utf8').slice(0, 200) ?? ''} (${asWriter ? 'as the writer' : `authorization ${r.authorization?.toString('latin1').slice(0, 64) ?? 'none'}`})`;
      expectCleanAnswer(res, what);
      if (res!.status === 401) expect(res!.headers['www-authenticate'], what).toBe('Basic realm="schema-registry"');
      if (res!.status >= 400 || !asWriter) expect(await store(), `${what}: refused or not the writer, nothing stored`).toBe(before);
    }), { numRuns: 200 });
    // What it did accept is sound: every stored schema is Avro a reader can be built from.
    const { rows } = await pool.query<{ schema: string }>('SELECT schema FROM schema_registry.schemas');
    for (const { schema } of rows) expect(() => avro.Type.forSchema(JSON.parse(schema) as avro.Schema)).not.toThrow();
  });
});

describe('inputs the fuzzing found, each a 500 before', () => {
  const register = (path: string) => rawHttp(registry.url, {
    method: 'POST', target: path, body: Buffer.from(JSON.stringify({ schema: JSON.stringify(EVOLUTIONS[0]) })), headers: [['content-type', REGISTRY_CONTENT_TYPE], ['authorization', WRITER_AUTHORIZATION]],
  });

  it.each([
    ['a NUL in the subject', '/subjects/orders%00-value/versions', 422, 42208],
    ['a subject past Postgres\' index row limit', `/subjects/${'x'.repeat(3_000)}/versions`, 422, 42208],
    ['a request target that is no URL', 'http://[/subjects/a-value/versions', 400, 400],
  ])('refuses a registration with %s, storing nothing', async (_what, path, status, errorCode) => {
    const before = await store();
    const res = await register(path);
    expect([res?.status, (JSON.parse(res?.body ?? '{}') as { error_code?: number }).error_code]).toEqual([status, errorCode]);
    expect(await store()).toBe(before);
  });
});
