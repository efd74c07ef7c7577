// Postgres adapter: the pool, versioned migrations (node-pg-migrate, SQL files
// in libs/db/migrations) and database helpers for tests and tools.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
export const MIGRATIONS_TABLE = 'pgmigrations';
const CONNECT_TIMEOUT_MS = 5_000;

/** Distinct statement texts prepared by name; texts past this many run unnamed (parsed and planned each time). */
export const MAX_PREPARED_STATEMENT_TEXTS = 1_000;
const statementNames = new Map<string, string>();

/** The name a parameterised statement is prepared under, or undefined once MAX_PREPARED_STATEMENT_TEXTS texts have names. */
export function preparedStatementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED_STATEMENT_TEXTS) {
    statementNames.set(text, name = `inplay_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`);
  }
  return name;
}

/**
 * A client that prepares every parameterised statement once per connection (by a name
 * derived from its text) and from then on only binds and executes it. The settlement
 * bench showed Postgres spending most of its CPU parsing and planning the same dozen
 * statements for every small batch.
 */
class PreparingClient extends pg.Client {}
const plainQuery = pg.Client.prototype.query;
PreparingClient.prototype.query = function query(this: pg.Client, ...args: unknown[]): unknown {
  const [text, values] = args;
  const name = typeof text === 'string' && Array.isArray(values) ? preparedStatementName(text) : undefined;
  if (name !== undefined) args.splice(0, 2, { name, text, values });
  return Reflect.apply(plainQuery, this, args) as unknown;
} as unknown as typeof plainQuery;

export function createPool(databaseUrl: string, options: { max?: number; applicationName?: string } = {}): Pool {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: options.applicationName ?? 'inplay',
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Applies every pending migration, in order, in one transaction. Returns the names applied. */
export async function migrate(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: MIGRATIONS_TABLE,
    checkOrder: true,
    singleTransaction: true,
    log,
    logger: { debug: () => undefined, info: log, warn: log, error: log },
  } as Parameters<typeof runner>[0]);
  return applied.map((m) => m.name);
}

/**
 * For a service at start-up: nothing when every migration is applied (a service's own role may
 * read pgmigrations but not migrate); the pending ones applied otherwise, which only the owner
 * may do, so a service role meeting pending migrations fails saying to run the bootstrap.
 */
export async function ensureMigrated(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<string[]> {
  const pool = createPool(databaseUrl, { max: 1, applicationName: 'inplay-migrations-check' });
  let applied: Set<string>;
  try {
    const { rows } = await pool.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`);
    applied = new Set(rows.map((r) => r.name));
  } catch {
    applied = new Set();
  } finally {
    await pool.end();
  }
  const pending = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).filter((name) => !applied.has(name));
  if (pending.length === 0) return [];
  try {
    return await migrate(databaseUrl, log);
  } catch (err) {
    throw new Error(`${pending.length} migrations are not applied on ${redact(databaseUrl)} (${pending.join(', ')}) and this role could not apply them `
      + `(${(err as Error).message}): run the bootstrap (inplay up, dist/bootstrap.mjs, the Helm job) as the database owner`);
  }
}

/** Checks that the server answers and returns its version (e.g. "17.5"). Throws a clear error otherwise. */
export async function probePostgres(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } catch (err) {
    throw new Error(`cannot reach Postgres at ${redact(databaseUrl)}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates a database if it does not exist (used for per-file test isolation and the audit rebuild). */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`invalid database name ${name}`);
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`invalid database name ${name}`);
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The URL with its password replaced, for logs and error messages. */
export function redact(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<malformed DATABASE_URL>';
  }
}

export { insertChainedEntries, readChainHeads, sha256Hex } from './ledger';
export { openingBalances, playersOfMatches } from './directory';
export { inTransaction, type TransactionOptions } from './transaction';
export { insertOrderRows, recordVoidedOrders, ORDER_ROWS_PER_STATEMENT } from './orders';
export { isPostgresUnavailable } from './availability';
export { ensureServiceLogins, prepareRegistryStore, serviceDatabaseUrl, scramVerifier, SERVICE_DB_ROLES, REGISTRY_SCHEMA, type DbService } from './roles';
