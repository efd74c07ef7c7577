// Test support for libs/db's own integration spec, built on libs/db alone
// (libs/testing is built on libs/db): a fresh, migrated database of this
// file's own on the suite's Postgres.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, dropDatabase, migrate, type DbService } from '../src/index';

/** The Postgres password of each service role (the suite's bootstrap made them logins), from the suite's credentials. */
export function rolePasswords(): Record<DbService, string> {
  const infra = inject('infra' as never) as { credentials?: { postgres: Record<DbService, string> } };
  if (!infra.credentials) throw new Error('the role specs need the stack\'s credentials (the local or container stack, not infrastructure given from outside)');
  return infra.credentials.postgres;
}

export async function freshDatabase(): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const infra = inject('infra' as never) as { adminDatabaseUrl?: string };
  if (!infra.adminDatabaseUrl) throw new Error('libs/db specs need the embedded Postgres (an admin database URL)');
  const name = `t_${randomBytes(4).toString('hex')}`;
  const databaseUrl = await createDatabase(infra.adminDatabaseUrl, name);
  await migrate(databaseUrl);
  return { databaseUrl, drop: () => dropDatabase(infra.adminDatabaseUrl!, name) };
}
