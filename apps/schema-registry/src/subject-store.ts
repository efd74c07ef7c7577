// Reads and soft deletes of subjects, versions and schemas in Postgres. A
// deleted version stays in the table (flag `deleted`) so its schema id keeps
// resolving for records already written with it.
import { schemaNotFound, subjectNotFound, versionNotFound, type RegistryFailure } from './errors';
import type { Queryable } from './config-store';

/** A version number, or the latest non-deleted version. */
export type VersionSelector = number | 'latest';

export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
  schemaType: string;
}

export interface StoredSchema {
  id: number;
  schema: string;
  schemaType: string;
}

const VERSION_COLUMNS = `sv.subject, sv.version, s.id, s.schema, s.schema_type AS "schemaType"
  FROM schema_registry.subject_versions sv JOIN schema_registry.schemas s ON s.id = sv.schema_id`;

export async function listSubjects(db: Queryable, includeDeleted: boolean): Promise<string[]> {
  const { rows } = await db.query<{ subject: string }>(
    'SELECT DISTINCT subject FROM schema_registry.subject_versions WHERE $1 OR NOT deleted ORDER BY subject',
    [includeDeleted],
  );
  return rows.map((row) => row.subject);
}

export async function listVersions(db: Queryable, subject: string, includeDeleted: boolean): Promise<number[] | RegistryFailure> {
  const { rows } = await db.query<{ version: number }>(
    'SELECT version FROM schema_registry.subject_versions WHERE subject = $1 AND ($2 OR NOT deleted) ORDER BY version',
    [subject, includeDeleted],
  );
  return rows.length === 0 ? subjectNotFound(subject) : rows.map((row) => row.version);
}

async function subjectExists(db: Queryable, subject: string, includeDeleted: boolean): Promise<boolean> {
  const { rowCount } = await db.query(
    'SELECT 1 FROM schema_registry.subject_versions WHERE subject = $1 AND ($2 OR NOT deleted) LIMIT 1',
    [subject, includeDeleted],
  );
  return (rowCount ?? 0) > 0;
}

export async function getVersion(
  db: Queryable,
  subject: string,
  selector: VersionSelector,
  includeDeleted: boolean,
): Promise<SubjectVersion | RegistryFailure> {
  const { rows } = selector === 'latest'
    ? await db.query<SubjectVersion>(`SELECT ${VERSION_COLUMNS} WHERE sv.subject = $1 AND NOT sv.deleted ORDER BY sv.version DESC LIMIT 1`, [subject])
    : await db.query<SubjectVersion>(`SELECT ${VERSION_COLUMNS} WHERE sv.subject = $1 AND sv.version = $2 AND ($3 OR NOT sv.deleted)`, [subject, selector, includeDeleted]);
  const found = rows[0];
  if (found) return found;
  return (await subjectExists(db, subject, includeDeleted)) ? versionNotFound(subject, selector) : subjectNotFound(subject);
}

/** Non-deleted versions of a subject, oldest first (the history compatibility is checked against). */
export async function liveVersions(db: Queryable, subject: string): Promise<SubjectVersion[]> {
  const { rows } = await db.query<SubjectVersion>(
    `SELECT ${VERSION_COLUMNS} WHERE sv.subject = $1 AND NOT sv.deleted ORDER BY sv.version`,
    [subject],
  );
  return rows;
}

/** The version of `subject` holding the schema with this hash (latest first), or why there is none. */
export async function findSchemaInSubject(
  db: Queryable,
  subject: string,
  hash: string,
  includeDeleted: boolean,
): Promise<SubjectVersion | RegistryFailure> {
  const { rows } = await db.query<SubjectVersion>(
    `SELECT ${VERSION_COLUMNS} WHERE sv.subject = $1 AND s.hash = $2 AND ($3 OR NOT sv.deleted)
     ORDER BY sv.deleted, sv.version DESC LIMIT 1`,
    [subject, hash, includeDeleted],
  );
  const found = rows[0];
  if (found) return found;
  return (await subjectExists(db, subject, includeDeleted)) ? schemaNotFound() : subjectNotFound(subject);
}

export async function schemaById(db: Queryable, id: number): Promise<StoredSchema | RegistryFailure> {
  const { rows } = await db.query<StoredSchema>(
    'SELECT id, schema, schema_type AS "schemaType" FROM schema_registry.schemas WHERE id = $1',
    [id],
  );
  return rows[0] ?? schemaNotFound();
}

export async function versionsOfSchema(db: Queryable, id: number): Promise<{ subject: string; version: number }[] | RegistryFailure> {
  const schema = await schemaById(db, id);
  if ('failure' in schema) return schema;
  const { rows } = await db.query<{ subject: string; version: number }>(
    'SELECT subject, version FROM schema_registry.subject_versions WHERE schema_id = $1 AND NOT deleted ORDER BY subject, version',
    [id],
  );
  return rows;
}

/** Soft-deletes every live version of a subject; returns their numbers. */
export async function deleteSubject(db: Queryable, subject: string): Promise<number[] | RegistryFailure> {
  const { rows } = await db.query<{ version: number }>(
    'UPDATE schema_registry.subject_versions SET deleted = true WHERE subject = $1 AND NOT deleted RETURNING version',
    [subject],
  );
  return rows.length === 0 ? subjectNotFound(subject) : rows.map((row) => row.version).sort((a, b) => a - b);
}

/** Soft-deletes one live version; returns its number. */
export async function deleteVersion(db: Queryable, subject: string, selector: VersionSelector): Promise<number | RegistryFailure> {
  const target = await getVersion(db, subject, selector, false);
  if ('failure' in target) return target;
  await db.query(
    'UPDATE schema_registry.subject_versions SET deleted = true WHERE subject = $1 AND version = $2',
    [subject, target.version],
  );
  return target.version;
}
