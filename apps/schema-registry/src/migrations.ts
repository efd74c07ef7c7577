// The registry's own versioned migrations (SQL files in ../migrations), applied
// at start-up into the `schema_registry` Postgres schema with their own
// bookkeeping table, so they never mix with the app's migrations. Where the
// stack prepared the schema for the registry's own role (prepareRegistryStore
// in libs/db), the registry needs no right to create schemas in the database.
import { fileURLToPath } from 'node:url';
import { createPool } from '@inplay/db';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
export const MIGRATIONS_TABLE = 'schema_registry_migrations';
export const REGISTRY_PG_SCHEMA = 'schema_registry';

/** Applies every pending migration in one transaction; returns the names applied. */
export async function runMigrations(databaseUrl: string, log: (message: string) => void = () => undefined): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: MIGRATIONS_TABLE,
    schema: REGISTRY_PG_SCHEMA,
    // node-pg-migrate's CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists.
    createSchema: !(await schemaExists(databaseUrl)),
    checkOrder: true,
    singleTransaction: true,
    log,
    logger: { debug: () => undefined, info: log, warn: log, error: log },
  });
  return applied.map((migration) => migration.name);
}

async function schemaExists(databaseUrl: string): Promise<boolean> {
  const pool = createPool(databaseUrl, { max: 1, applicationName: 'schema-registry-migrations' });
  try {
    const { rows } = await pool.query<{ found: boolean }>('SELECT to_regnamespace($1) IS NOT NULL AS found', [REGISTRY_PG_SCHEMA]);
    return rows[0]?.found === true;
  } finally {
    await pool.end();
  }
}
