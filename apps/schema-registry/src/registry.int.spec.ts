// The registry against a real Postgres and the real Confluent client
// (@kafkajs/confluent-schema-registry): what our Kafka serde relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { freePort, startLocalPostgres, type LocalPostgres } from '@inplay/infra';
import { createLogger } from '@inplay/telemetry';
import packageJson from '../package.json' with { type: 'json' };
import { DEFAULT_MAX_BODY_BYTES, startRegistryServer, type RegistryServer } from './index';

const TEST_STATE_ROOT = '/var/lib/inplay/test';
const CONCURRENT_REGISTRATIONS = 20;
const WRITER = { username: 'inplay-admin', password: 'registry-test-writer-password' };
const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
/** What every call sends unless a test says otherwise: the writer's credentials, as bootstrap and operators do. */
const AS_WRITER = { authorization: basicAuth(WRITER.username, WRITER.password) };

let stateDir: string;
let postgres: LocalPostgres;
let registry: RegistryServer;

const logger = createLogger('schema-registry-test', 'silent');
const startRegistry = async (): Promise<RegistryServer> =>
  startRegistryServer({ databaseUrl: postgres.url, port: await freePort(), host: '127.0.0.1', writers: WRITER, logger });

const tradeSchema = (extraFields: unknown[] = []): string => JSON.stringify({
  type: 'record', name: 'Trade', namespace: 'inplay.test',
  fields: [{ name: 'tradeId', type: 'string' }, { name: 'priceCents', type: 'long' }, ...extraFields],
});

interface Answer { status: number; body: Record<string, unknown> & { error_code?: number; message?: string }; challenge?: string }

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = AS_WRITER): Promise<Answer> {
  const res = await fetch(`${registry.url}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const challenge = res.headers.get('www-authenticate');
  return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {}, ...(challenge === null ? {} : { challenge }) };
}

const register = (subject: string, schema: string, extra: Record<string, unknown> = {}): Promise<Answer> =>
  call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema, ...extra });

beforeAll(async () => {
  mkdirSync(TEST_STATE_ROOT, { recursive: true });
  stateDir = mkdtempSync(join(TEST_STATE_ROOT, 'schema-registry-'));
  postgres = await startLocalPostgres({ stateDir, port: await freePort() });
  registry = await startRegistry();
});

afterAll(async () => {
  await registry?.close();
  await postgres?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('with the Confluent client', () => {
  const client = (): SchemaRegistry => new SchemaRegistry({ host: registry.url, auth: WRITER });
  const options = (subject: string) => ({ subject, compatibility: COMPATIBILITY.BACKWARD });

  it('registers a schema and round-trips a record framed with magic byte 0 and the schema id', async () => {
    const { id } = await client().register({ type: SchemaType.AVRO, schema: tradeSchema() }, options('trades-value'));
    const encoded = await client().encode(id, { tradeId: 't-1', priceCents: 1234 });
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await client().decode(encoded)).toEqual({ tradeId: 't-1', priceCents: 1234 });
  });

  it('gives the same id and version when the same schema is registered again, whitespace aside', async () => {
    const first = await client().register({ type: SchemaType.AVRO, schema: tradeSchema() }, options('again-value'));
    const spaced = JSON.stringify(JSON.parse(tradeSchema()), null, 2);
    const second = await client().register({ type: SchemaType.AVRO, schema: spaced }, options('again-value'));
    expect(second.id).toBe(first.id);
    expect((await call('GET', '/subjects/again-value/versions')).body).toEqual([1]);
  });

  it('rejects an incompatible change with 409 and keeps the subject at its last good version', async () => {
    await client().register({ type: SchemaType.AVRO, schema: tradeSchema() }, options('strict-value'));
    const breaking = tradeSchema([{ name: 'playerId', type: 'string' }]);
    await expect(client().register({ type: SchemaType.AVRO, schema: breaking }, options('strict-value')))
      .rejects.toMatchObject({ status: 409, message: expect.stringMatching(/incompatible/) });
    const raw = await register('strict-value', breaking);
    expect(raw).toMatchObject({ status: 409, body: { error_code: 409 } });
    expect((await call('GET', '/subjects/strict-value/versions')).body).toEqual([1]);
  });

  it('keeps schemas and ids across a restart on the same database', async () => {
    const { id } = await client().register({ type: SchemaType.AVRO, schema: tradeSchema() }, options('durable-value'));
    const encoded = await client().encode(id, { tradeId: 't-2', priceCents: 5 });
    await registry.close();
    registry = await startRegistry();
    expect(await client().decode(encoded)).toEqual({ tradeId: 't-2', priceCents: 5 });
    expect((await call('GET', '/subjects/durable-value/versions/latest')).body).toMatchObject({ id, version: 1 });
  });
});

describe('subjects and versions', () => {
  it('gives 20 concurrent registrations of different compatible schemas distinct consecutive versions', async () => {
    await register('busy-value', tradeSchema());
    const answers = await Promise.all(Array.from({ length: CONCURRENT_REGISTRATIONS }, (_, n) =>
      register('busy-value', tradeSchema([{ name: `extra${n}`, type: 'int', default: n }]))));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.body['id'])).size).toBe(CONCURRENT_REGISTRATIONS);
    const versions = (await call('GET', '/subjects/busy-value/versions')).body;
    expect(versions).toEqual(Array.from({ length: CONCURRENT_REGISTRATIONS + 1 }, (_, n) => n + 1));
  });

  it('returns a version with its schema, leaving out schemaType for Avro, and the raw schema', async () => {
    const { body } = await register('read-value', tradeSchema());
    const latest = await call('GET', '/subjects/read-value/versions/latest');
    expect(latest).toEqual({ status: 200, body: { subject: 'read-value', version: 1, id: body['id'], schema: tradeSchema() } });
    expect((await call('GET', '/subjects/read-value/versions/1/schema')).body).toEqual(JSON.parse(tradeSchema()));
    expect((await call('GET', `/schemas/ids/${String(body['id'])}`)).body).toEqual({ schema: tradeSchema() });
    expect((await call('GET', `/schemas/ids/${String(body['id'])}/versions`)).body).toContainEqual({ subject: 'read-value', version: 1 });
    expect((await call('GET', '/subjects')).body).toContain('read-value');
  });

  it('looks a schema up in a subject, or says whether the subject or the schema is unknown', async () => {
    const { body } = await register('lookup-value', tradeSchema());
    const found = await call('POST', '/subjects/lookup-value', { schema: tradeSchema() });
    expect(found.body).toMatchObject({ subject: 'lookup-value', id: body['id'], version: 1 });
    const otherSchema = await call('POST', '/subjects/lookup-value', { schema: tradeSchema([{ name: 'x', type: 'int', default: 0 }]) });
    expect(otherSchema).toMatchObject({ status: 404, body: { error_code: 40403 } });
    expect((await call('POST', '/subjects/nobody-value', { schema: tradeSchema() })).body.error_code).toBe(40401);
  });

  it('soft-deletes a subject: it disappears from listings, its ids still resolve, and numbering continues', async () => {
    const { body } = await register('gone-value', tradeSchema());
    expect((await call('DELETE', '/subjects/gone-value')).body).toEqual([1]);
    expect((await call('GET', '/subjects')).body).not.toContain('gone-value');
    expect((await call('GET', '/subjects/gone-value/versions')).body.error_code).toBe(40401);
    expect((await call('GET', `/schemas/ids/${String(body['id'])}`)).status).toBe(200);
    await register('gone-value', tradeSchema());
    expect((await call('GET', '/subjects/gone-value/versions')).body).toEqual([2]);
    expect((await call('DELETE', '/subjects/gone-value/versions/2')).body).toEqual(2);
    expect((await call('GET', '/subjects/gone-value/versions/2')).body.error_code).toBe(40401);
  });
});

describe('compatibility configuration and checks', () => {
  it('answers 404 with 40408 for a subject without its own level, and the global level when asked to default', async () => {
    const none = await call('GET', '/config/unset-value');
    expect(none).toMatchObject({ status: 404, body: { error_code: 40408 } });
    expect((await call('GET', '/config/unset-value?defaultToGlobal=true')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('stores, reads and removes a subject level', async () => {
    expect((await call('PUT', '/config/own-value', { compatibility: 'full' })).body).toEqual({ compatibility: 'FULL' });
    expect((await call('GET', '/config/own-value')).body).toEqual({ compatibilityLevel: 'FULL' });
    expect((await call('DELETE', '/config/own-value')).body).toEqual({ compatibilityLevel: 'FULL' });
    expect((await call('GET', '/config/own-value')).status).toBe(404);
  });

  it('registers anything under NONE', async () => {
    await call('PUT', '/config/loose-value', { compatibility: 'NONE' });
    await register('loose-value', tradeSchema());
    expect((await register('loose-value', JSON.stringify('string'))).status).toBe(200);
  });

  it('tells whether a schema would be accepted, with reasons when verbose', async () => {
    await register('check-value', tradeSchema());
    const good = await call('POST', '/compatibility/subjects/check-value/versions/latest', { schema: tradeSchema([{ name: 'n', type: 'int', default: 1 }]) });
    expect(good.body).toEqual({ is_compatible: true });
    const bad = await call('POST', '/compatibility/subjects/check-value/versions/latest?verbose=true', { schema: tradeSchema([{ name: 'n', type: 'int' }]) });
    expect(bad.body).toMatchObject({ is_compatible: false, messages: [expect.stringMatching(/\bn\b/)] });
  });
});

describe('bad requests', () => {
  it('answers each with its Confluent error code', async () => {
    expect(await call('POST', '/subjects/bad-value/versions', '{"schema": ')).toMatchObject({ status: 400, body: { error_code: 400 } });
    const protobuf = await register('bad-value', 'syntax = "proto3";', { schemaType: 'PROTOBUF' });
    expect(protobuf).toMatchObject({ status: 422, body: { error_code: 42201, message: expect.stringMatching(/PROTOBUF is not supported/) } });
    const invalid = await register('bad-value', JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'strnig' }] }));
    expect(invalid).toMatchObject({ status: 422, body: { error_code: 42201, message: expect.stringMatching(/strnig/) } });
    expect(await call('GET', '/schemas/ids/999999')).toMatchObject({ status: 404, body: { error_code: 40403 } });
    expect(await call('GET', '/subjects/nobody-value/versions/1')).toMatchObject({ status: 404, body: { error_code: 40401 } });
    expect(await call('GET', '/subjects/nobody-value/versions/zero')).toMatchObject({ status: 422, body: { error_code: 42202 } });
    expect(await call('PUT', '/config', { compatibility: 'SIDEWAYS' })).toMatchObject({ status: 422, body: { error_code: 42203 } });
    expect(await call('PUT', '/config', 'x', { ...AS_WRITER, 'content-type': 'text/plain' })).toMatchObject({ status: 415, body: { error_code: 415 } });
  });

  it('refuses a body over maxBodyBytes with 413', async () => {
    const huge = JSON.stringify({ schema: JSON.stringify({ type: 'string', doc: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) }) });
    expect(await call('POST', '/subjects/big-value/versions', huge)).toMatchObject({ status: 413, body: { error_code: 413 } });
    expect((await call('GET', '/health')).body).toEqual({ status: 'ok' });
  });
});

describe('writes need the writer\'s credentials; reads do not', () => {
  const NOBODY = {};
  const WRONG_PASSWORD = { authorization: basicAuth(WRITER.username, `${WRITER.password}-not`) };
  const refusal = { status: 401, body: { error_code: 401, message: expect.stringMatching(/^Unauthorized/) }, challenge: 'Basic realm="schema-registry"' };

  it('refuses PUT /config without credentials or with a wrong password, and the level stays as it was', async () => {
    expect((await call('GET', '/config', undefined, NOBODY)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect(await call('PUT', '/config', { compatibility: 'NONE' }, NOBODY)).toMatchObject(refusal);
    expect(await call('PUT', '/config', { compatibility: 'NONE' }, WRONG_PASSWORD)).toMatchObject(refusal);
    expect(await call('PUT', '/config', { compatibility: 'NONE' }, { authorization: 'Basic not base64!' })).toMatchObject(refusal);
    expect((await call('GET', '/config', undefined, NOBODY)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('takes PUT /config with the writer\'s credentials, and the change is visible', async () => {
    expect(await call('PUT', '/config/writer-value', { compatibility: 'FULL' })).toMatchObject({ status: 200, body: { compatibility: 'FULL' } });
    expect((await call('GET', '/config/writer-value', undefined, NOBODY)).body).toEqual({ compatibilityLevel: 'FULL' });
    expect(await call('DELETE', '/config/writer-value', undefined, NOBODY)).toMatchObject(refusal);
    expect((await call('GET', '/config/writer-value', undefined, NOBODY)).body).toEqual({ compatibilityLevel: 'FULL' });
  });

  it('refuses DELETE /subjects/x without credentials or with a wrong password, and the subject is still there; the writer deletes it', async () => {
    await register('kept-value', tradeSchema());
    expect(await call('DELETE', '/subjects/kept-value', undefined, NOBODY)).toMatchObject(refusal);
    expect(await call('DELETE', '/subjects/kept-value', undefined, WRONG_PASSWORD)).toMatchObject(refusal);
    expect(await call('DELETE', '/subjects/kept-value/versions/1', undefined, NOBODY)).toMatchObject(refusal);
    expect((await call('GET', '/subjects/kept-value/versions', undefined, NOBODY)).body).toEqual([1]);
    expect(await call('DELETE', '/subjects/kept-value')).toMatchObject({ status: 200, body: [1] });
    expect((await call('GET', '/subjects', undefined, NOBODY)).body).not.toContain('kept-value');
  });

  it('refuses a registration without credentials, from raw HTTP and from the Confluent client, storing nothing', async () => {
    expect(await call('POST', '/subjects/anon-value/versions', { schema: tradeSchema() }, NOBODY)).toMatchObject(refusal);
    const anonymous = new SchemaRegistry({ host: registry.url });
    await expect(anonymous.register({ type: SchemaType.AVRO, schema: tradeSchema() }, { subject: 'anon-value' })).rejects.toMatchObject({ status: 401 });
    expect((await call('GET', '/subjects', undefined, NOBODY)).body).not.toContain('anon-value');
  });

  it('takes writes from anyone when started with anonymous writes asked for', async () => {
    const open = await startRegistryServer({ databaseUrl: postgres.url, port: 0, host: '127.0.0.1', writers: 'anonymous', logger });
    try {
      const res = await fetch(`${open.url}/config/anyone-value`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ compatibility: 'NONE' }) });
      expect(res.status).toBe(200);
      expect((await call('GET', '/config/anyone-value', undefined, NOBODY)).body).toEqual({ compatibilityLevel: 'NONE' });
    } finally {
      await open.close();
    }
  });

  it('answers reads without credentials: GETs, the lookup of a schema\'s id and a compatibility check', async () => {
    const { body } = await register('open-value', tradeSchema());
    expect(await call('GET', '/subjects/open-value/versions/latest', undefined, NOBODY)).toMatchObject({ status: 200, body: { id: body['id'] } });
    expect(await call('GET', `/schemas/ids/${String(body['id'])}`, undefined, NOBODY)).toMatchObject({ status: 200 });
    expect(await call('POST', '/subjects/open-value', { schema: tradeSchema() }, NOBODY)).toMatchObject({ status: 200, body: { id: body['id'] } });
    expect(await call('POST', '/compatibility/subjects/open-value/versions/latest', { schema: tradeSchema() }, NOBODY)).toMatchObject({ status: 200, body: { is_compatible: true } });
    expect(await new SchemaRegistry({ host: registry.url }).getRegistryIdBySchema('open-value', { type: SchemaType.AVRO, schema: tradeSchema() })).toBe(body['id']);
  });
});

describe('service endpoints', () => {
  it('answers root, health, version and metrics counted by route and status', async () => {
    expect((await call('GET', '/')).body).toEqual({});
    expect((await call('GET', '/v1/metadata/version')).body).toEqual({ version: packageJson.version, commitId: 'inplay' });
    const metrics = await (await fetch(`${registry.url}/metrics`)).text();
    expect(metrics).toMatch(/schema_registry_http_requests_total\{[^}]*route="\/v1\/metadata\/version"[^}]*status="200"[^}]*\} 1/);
  });
});
