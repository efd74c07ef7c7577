// What registry clients send, fuzzed: path parameters (versions, ids,
// subjects), request paths, and the schema and compatibility bodies. Each
// parser gives a typed value inside its limits or a Confluent failure with a
// 4xx code; none throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import avro from 'avsc';
import { asTargetText, hostileJsonValue, hostileString, mutatedJson, percentEncoded, TRICKY_STRINGS } from '@inplay/testing/fuzz';
import { COMPATIBILITY_LEVELS } from './compatibility';
import { ERROR_CODES, httpStatusOf, isFailure, type ErrorCode, type RegistryFailure } from './errors';
import { MAX_SCHEMA_ID, MAX_SUBJECT_CHARS, MAX_VERSION, parseCompatibilityBody, parseSchemaBody, parseSchemaId, parseSubject, parseVersion } from './requests';
import { matchRoute, type Route } from './router';

const RUNS = { numRuns: 500 };

function expectFailure(value: unknown, codes: ErrorCode[]): asserts value is RegistryFailure {
  expect(isFailure(value)).toBe(true);
  const failure = value as RegistryFailure;
  expect(codes).toContain(failure.errorCode);
  expect(httpStatusOf(failure.errorCode)).toBeGreaterThanOrEqual(400);
  expect(httpStatusOf(failure.errorCode)).toBeLessThan(500);
  expect(failure.message.length).toBeGreaterThan(0);
}

const numberText = fc.oneof(fc.constantFrom(...TRICKY_STRINGS), fc.constantFrom('latest', 'LATEST', '-1', '0', '1', String(MAX_VERSION), String(MAX_VERSION + 1), '01', '4294967296', '9999999999', '1 '), fc.nat().map(String), hostileString(16));

describe('path parameters, fuzzed', () => {
  it('reads a version as "latest" or an integer in [1, 2^31-1], else 42202', () => {
    fc.assert(fc.property(numberText, (text) => {
      const version = parseVersion(text);
      if (version === 'latest') expect(['latest', '-1']).toContain(text.toLowerCase());
      else if (typeof version === 'number') expect(Number.isSafeInteger(version) && version >= 1 && version <= MAX_VERSION).toBe(true);
      else expectFailure(version, [ERROR_CODES.invalidVersion]);
    }), RUNS);
  });

  it('reads a schema id as an integer in [1, 2^31-1], else 40403', () => {
    fc.assert(fc.property(numberText, (text) => {
      const id = parseSchemaId(text);
      if (typeof id === 'number') expect(Number.isSafeInteger(id) && id >= 1 && id <= MAX_SCHEMA_ID).toBe(true);
      else expectFailure(id, [ERROR_CODES.schemaNotFound]);
    }), RUNS);
  });

  it('takes a subject Postgres can store and index, else 42208', () => {
    const subject = fc.oneof(hostileString(32), fc.constantFrom(...TRICKY_STRINGS), fc.string({ minLength: MAX_SUBJECT_CHARS - 2, maxLength: MAX_SUBJECT_CHARS + 2 }), fc.constant('x'.repeat(3_000)));
    fc.assert(fc.property(subject, (text) => {
      const parsed = parseSubject(text);
      if (typeof parsed === 'string') {
        expect(parsed).toBe(text);
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThanOrEqual(MAX_SUBJECT_CHARS);
        expect(/[\p{Cc}\p{Cs}]/u.test(text)).toBe(false);
      } else {
        expectFailure(parsed, [ERROR_CODES.invalidSubject]);
      }
    }), RUNS);
  });

  it('routes any path to a route with its parameters, or to 400, 404 or 405', () => {
    const routes: Route[] = ['/subjects', '/subjects/:subject/versions', '/subjects/:subject/versions/:version', '/schemas/ids/:id']
      .map((path) => ({ method: 'GET', path, handle: async () => ({ status: 200, json: null }) }));
    const segment = fc.oneof(fc.constantFrom('subjects', 'versions', 'schemas', 'ids', '', '.', '..'), hostileString(12).map(percentEncoded), hostileString(12).map(asTargetText));
    const path = fc.array(segment, { maxLength: 5 }).map((segments) => `/${segments.join('/')}`);
    fc.assert(fc.property(fc.constantFrom('GET', 'POST', 'BREW'), path, (method, pathname) => {
      const match = matchRoute(routes, method, pathname);
      if (match.route) {
        expect(match.route.method).toBe(method);
        for (const value of Object.values(match.params)) expect(typeof value).toBe('string');
      } else {
        expectFailure(match.failure, [ERROR_CODES.badRequest, ERROR_CODES.notFound, ERROR_CODES.methodNotAllowed]);
      }
    }), RUNS);
  });
});

describe('request bodies, fuzzed', () => {
  const record = { type: 'record', name: 'Trade', namespace: 'inplay.test', fields: [{ name: 'tradeId', type: 'string' }, { name: 'priceCents', type: 'long', default: 0 }] };

  it('turns any schema body into a canonical Avro schema or 42201', () => {
    const schemaText = fc.oneof(
      mutatedJson(record),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
      hostileString(64),
      fc.constantFrom('"string"', '"long"', '["null","string"]', '{"type":"fixed","name":"f","size":-1}', '{"type":"enum","name":"e","symbols":["A","A"]}',
        `${'{"type":"array","items":'.repeat(2_000)}"int"${'}'.repeat(2_000)}`, `{"type":"record","name":"R","fields":[{"name":"r","type":"R"}]}`),
    );
    const body = fc.oneof(
      fc.record({ schema: schemaText, schemaType: fc.oneof(fc.constantFrom('AVRO', 'avro', 'PROTOBUF', 'JSON'), hostileString(8)), references: fc.array(hostileJsonValue, { maxLength: 2 }) }, { requiredKeys: ['schema'] }),
      hostileJsonValue,
    );
    fc.assert(fc.property(body, (b) => {
      const parsed = parseSchemaBody(b);
      if (isFailure(parsed)) {
        expectFailure(parsed, [ERROR_CODES.invalidSchema]);
        return;
      }
      expect(parsed.schemaType).toBe('AVRO');
      expect(parsed.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(() => avro.Type.forSchema(JSON.parse(parsed.canonical) as avro.Schema)).not.toThrow();
    }), RUNS);
  });

  it('reads any compatibility body as a known level or 42203', () => {
    const body = fc.oneof(fc.record({ compatibility: fc.oneof(fc.constantFrom(...COMPATIBILITY_LEVELS, 'backward', 'Full_Transitive', 'NONE '), hostileString(16)) }), hostileJsonValue);
    fc.assert(fc.property(body, (b) => {
      const level = parseCompatibilityBody(b);
      if (typeof level === 'string') expect(COMPATIBILITY_LEVELS).toContain(level);
      else expectFailure(level, [ERROR_CODES.invalidCompatibilityLevel]);
    }), RUNS);
  });

  it.each([
    ['a NUL', 'orders\u0000-value'],
    ['a control character', 'orders\n-value'],
    ['nothing', ''],
    [`more than ${MAX_SUBJECT_CHARS} characters (past Postgres' index row limit at ~2,700 bytes)`, 'x'.repeat(3_000)],
  ])('refuses a subject with %s as 42208 (Postgres refused it: a 500)', (_what, subject) => {
    expectFailure(parseSubject(subject), [ERROR_CODES.invalidSubject]);
  });
});
