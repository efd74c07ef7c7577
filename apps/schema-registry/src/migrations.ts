// The registry's own versioned migrations (SQL files in ../migrations), applied
// at start-up into the `schema_registry` Postgres schema with their own
// bookkeeping table, so they never mix with the app's migrations.
import { fileURLToPath } from 'node:url';
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
    createSchema: true,
    checkOrder: true,
    singleTransaction: true,
    log,
    logger: { debug: () => undefined, info: log, warn: log, error: log },
  });
  return applied.map((migration) => migration.name);
}
