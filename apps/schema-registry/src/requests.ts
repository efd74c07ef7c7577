// Validation of what clients send (path parameters and JSON bodies) into
// typed values, or the Confluent failure code that says what was wrong.
import { z } from 'zod';
import { canonicalize, type CanonicalSchema } from './avro';
import { COMPATIBILITY_LEVELS, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility';
import { ERROR_CODES, fail, schemaNotFound, type RegistryFailure } from './errors';
import type { VersionSelector } from './subject-store';

/** Versions and ids are Java ints in Confluent's API. */
export const MAX_VERSION = 2 ** 31 - 1;
export const MAX_SCHEMA_ID = 2 ** 31 - 1;
/**
 * Longest subject taken (a Kafka topic name is at most 249 characters, plus "-value"). Subjects are
 * keys of Postgres btree indexes, which refuse entries past ~2,700 bytes: a longer one got a 500.
 */
export const MAX_SUBJECT_CHARS = 255;

const schemaBody = z.object({
  schema: z.string().min(1),
  schemaType: z.string().optional(),
  references: z.array(z.unknown()).optional(),
});

const compatibilityBody = z.object({ compatibility: z.string() });

function positiveInt(text: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 && value <= max ? value : undefined;
}

export function parseVersion(text: string): VersionSelector | RegistryFailure {
  if (text.toLowerCase() === 'latest' || text === '-1') return 'latest';
  return positiveInt(text, MAX_VERSION) ?? fail(
    ERROR_CODES.invalidVersion,
    `The specified version '${text}' is not a valid version id. Allowed values are between [1, ${MAX_VERSION}] and the string "latest"`,
  );
}

/** A subject as the store can keep it: 1-255 characters, no control character (Postgres refuses NUL: a 500 before). */
export function parseSubject(text: string): string | RegistryFailure {
  if (text.length >= 1 && text.length <= MAX_SUBJECT_CHARS && !/[\p{Cc}\p{Cs}]/u.test(text)) return text;
  return fail(
    ERROR_CODES.invalidSubject,
    `The specified subject ${JSON.stringify(text.slice(0, 64))}${text.length > 64 ? '...' : ''} is not valid: 1-${MAX_SUBJECT_CHARS} characters, no control characters.`,
  );
}

export function parseSchemaId(text: string): number | RegistryFailure {
  return positiveInt(text, MAX_SCHEMA_ID) ?? schemaNotFound(`Schema ${text} not found`);
}

/** `{ schema, schemaType?, references? }` → the canonical Avro schema, or 42201 saying why not. */
export function parseSchemaBody(body: unknown): CanonicalSchema | RegistryFailure {
  const parsed = schemaBody.safeParse(body);
  if (!parsed.success) {
    return fail(ERROR_CODES.invalidSchema, 'Invalid schema: expected a body {"schema": "<schema as a JSON string>", "schemaType"?: "AVRO"}');
  }
  if ((parsed.data.references ?? []).length > 0) {
    return fail(ERROR_CODES.invalidSchema, 'Invalid schema: schema references are not supported by this registry; inline the referenced types.');
  }
  return canonicalize(parsed.data);
}

export function parseCompatibilityBody(body: unknown): CompatibilityLevel | RegistryFailure {
  const parsed = compatibilityBody.safeParse(body);
  const level = parsed.success ? parseCompatibilityLevel(parsed.data.compatibility) : undefined;
  return level ?? fail(
    ERROR_CODES.invalidCompatibilityLevel,
    `Invalid compatibility level. Valid values are ${COMPATIBILITY_LEVELS.join(', ')}; send {"compatibility": "<level>"}`,
  );
}
