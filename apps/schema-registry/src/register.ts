// Registering a schema under a subject: one transaction holding an advisory
// lock on the subject, so concurrent registrations get distinct consecutive
// versions, and the same schema registered twice gets the same id and version.
import { inTransaction, type Pool, type PoolClient } from '@inplay/db';
import type { CanonicalSchema } from './avro';
import { checkCompatibility } from './compatibility';
import { effectiveLevel } from './config-store';
import { ERROR_CODES, fail, isFailure, type RegistryFailure } from './errors';
import { findSchemaInSubject, liveVersions } from './subject-store';

/** First key of the two-key advisory lock, so our subject locks never collide with other users of advisory locks. */
export const SUBJECT_LOCK_NAMESPACE = 0x5352; // "SR"

export interface Registered {
  id: number;
  version: number;
}

/** Runs `work` in a transaction; commits unless it returns a failure or throws. */
export function inRegistryTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T | RegistryFailure>): Promise<T | RegistryFailure> {
  return inTransaction(pool, work, { rollbackWhen: isFailure });
}

async function insertSchema(client: PoolClient, schema: CanonicalSchema): Promise<number> {
  // DO UPDATE (a no-op) rather than DO NOTHING so RETURNING gives the id of an existing row too.
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO schema_registry.schemas (schema, schema_type, hash) VALUES ($1, $2, $3)
     ON CONFLICT (hash) DO UPDATE SET hash = EXCLUDED.hash RETURNING id`,
    [schema.canonical, schema.schemaType, schema.hash],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('INSERT ... RETURNING id into schema_registry.schemas returned no row');
  return id;
}

async function appendVersion(client: PoolClient, subject: string, schemaId: number): Promise<number> {
  // Deleted versions count too: a version number is never reused.
  const { rows } = await client.query<{ version: number }>(
    `INSERT INTO schema_registry.subject_versions (subject, version, schema_id)
     SELECT $1, COALESCE(MAX(version), 0) + 1, $2 FROM schema_registry.subject_versions WHERE subject = $1
     RETURNING version`,
    [subject, schemaId],
  );
  const version = rows[0]?.version;
  if (version === undefined) throw new Error('INSERT ... RETURNING version into schema_registry.subject_versions returned no row');
  return version;
}

export function registerSchema(pool: Pool, subject: string, schema: CanonicalSchema): Promise<Registered | RegistryFailure> {
  return inRegistryTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SUBJECT_LOCK_NAMESPACE, subject]);
    const existing = await findSchemaInSubject(client, subject, schema.hash, false);
    if (!isFailure(existing)) return { id: existing.id, version: existing.version };
    const level = await effectiveLevel(client, subject);
    const verdict = checkCompatibility(level, schema.canonical, await liveVersions(client, subject));
    if (!verdict.compatible) {
      return fail(
        ERROR_CODES.incompatibleSchema,
        `Schema being registered is incompatible with an earlier schema for subject "${subject}" (${level}): ${verdict.messages.join('; ')}`,
      );
    }
    const id = await insertSchema(client, schema);
    return { id, version: await appendVersion(client, subject, id) };
  });
}
