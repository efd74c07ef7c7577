// Loads the Avro schemas of schemas/ (the contract). Everything else reads them from here.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { SchemaName } from './topics';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: { name: string; type: unknown; default?: unknown; doc?: string }[];
}

let cache: Map<string, AvroRecordSchema> | undefined;

export function loadSchemas(dir = SCHEMAS_DIR): Map<string, AvroRecordSchema> {
  if (dir === SCHEMAS_DIR && cache) return cache;
  const schemas = new Map<string, AvroRecordSchema>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.avsc')).sort()) {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as AvroRecordSchema;
    schemas.set(schema.name, schema);
  }
  if (dir === SCHEMAS_DIR) cache = schemas;
  return schemas;
}

export function schemaOf(name: SchemaName): AvroRecordSchema {
  const schema = loadSchemas().get(name);
  if (!schema) throw new Error(`schema ${name} not found in ${SCHEMAS_DIR}`);
  return schema;
}
