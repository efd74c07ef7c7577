// Turns a schema as clients send it (a JSON string plus an optional type) into
// its canonical text, or a 42201 failure saying why it is not a valid Avro schema.
import { createHash } from 'node:crypto';
import avro from 'avsc';
import { ERROR_CODES, fail, type RegistryFailure } from './errors';

export const SUPPORTED_SCHEMA_TYPES = ['AVRO'] as const;
export type SchemaType = (typeof SUPPORTED_SCHEMA_TYPES)[number];

export interface CanonicalSchema {
  /** `JSON.stringify(JSON.parse(text))`: whitespace differences do not make a new schema. */
  canonical: string;
  schemaType: SchemaType;
  /** Identity of the schema in the store: a hash of its type and canonical text. */
  hash: string;
}

export interface SchemaInput {
  schema: string;
  schemaType?: string | undefined;
}

export function canonicalize(input: SchemaInput): CanonicalSchema | RegistryFailure {
  const schemaType = (input.schemaType ?? 'AVRO').toUpperCase();
  if (schemaType !== 'AVRO') {
    return fail(ERROR_CODES.invalidSchema, `Schema type ${schemaType} is not supported by this registry: only AVRO is.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(input.schema);
  } catch (err) {
    return fail(ERROR_CODES.invalidSchema, `Invalid schema: not JSON (${(err as Error).message}).`);
  }
  try {
    avro.Type.forSchema(json as avro.Schema);
  } catch (err) {
    return fail(ERROR_CODES.invalidSchema, `Invalid schema: ${(err as Error).message}`);
  }
  const canonical = JSON.stringify(json);
  const hash = createHash('sha256').update(`${schemaType}\n${canonical}`).digest('hex');
  return { canonical, schemaType, hash };
}

/** Parses stored (already validated) schema text into an avsc type of its own. */
export function avroTypeOf(schemaText: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(schemaText) as avro.Schema);
}
