// Compatibility levels in Postgres: one row per subject that has its own level,
// and the row for the empty subject holding the global level.
import type { Pool, PoolClient } from '@inplay/db';
import { DEFAULT_COMPATIBILITY, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility';

export type Queryable = Pool | PoolClient;

/** Subject key of the global level; no real subject is empty (the URL path needs a name). */
export const GLOBAL_SUBJECT = '';

function levelOf(stored: string): CompatibilityLevel {
  const level = parseCompatibilityLevel(stored);
  // Only parsed levels are ever written, so anything else is a corrupted store.
  if (level === undefined) throw new Error(`schema_registry.config holds an unknown compatibility level ${JSON.stringify(stored)}`);
  return level;
}

export async function subjectLevel(db: Queryable, subject: string): Promise<CompatibilityLevel | undefined> {
  const { rows } = await db.query<{ compatibility: string }>(
    'SELECT compatibility FROM schema_registry.config WHERE subject = $1',
    [subject],
  );
  const stored = rows[0]?.compatibility;
  return stored === undefined ? undefined : levelOf(stored);
}

export async function globalLevel(db: Queryable): Promise<CompatibilityLevel> {
  return (await subjectLevel(db, GLOBAL_SUBJECT)) ?? DEFAULT_COMPATIBILITY;
}

/** The level that applies to `subject`: its own, else the global one. */
export async function effectiveLevel(db: Queryable, subject: string): Promise<CompatibilityLevel> {
  return (await subjectLevel(db, subject)) ?? (await globalLevel(db));
}

export async function setLevel(db: Queryable, subject: string, level: CompatibilityLevel): Promise<void> {
  await db.query(
    `INSERT INTO schema_registry.config (subject, compatibility) VALUES ($1, $2)
     ON CONFLICT (subject) DO UPDATE SET compatibility = EXCLUDED.compatibility`,
    [subject, level],
  );
}

/** Removes the subject's own level; returns it, or undefined when it had none. */
export async function deleteLevel(db: Queryable, subject: string): Promise<CompatibilityLevel | undefined> {
  const { rows } = await db.query<{ compatibility: string }>(
    'DELETE FROM schema_registry.config WHERE subject = $1 RETURNING compatibility',
    [subject],
  );
  const stored = rows[0]?.compatibility;
  return stored === undefined ? undefined : levelOf(stored);
}
