// The services' Postgres roles (migration 1732476000000_service-roles.sql
// grants them their tables): each service logs in as its own role, with a
// password from the stack's credentials, never as the owner. The owner's
// connection turns the roles into logins (ensureServiceLogins) and hands the
// schema registry its own schema (prepareRegistryStore).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';

/** The role each service logs in as; the role name is the login name (one name to grant, audit and rotate). */
export const SERVICE_DB_ROLES = {
  gateway: 'inplay_gateway',
  settlement: 'inplay_settlement',
  pricing: 'inplay_pricing',
  'feed-ingest': 'inplay_feed_ingest',
  leaderboard: 'inplay_leaderboard',
  'schema-registry': 'inplay_schema_registry',
} as const;
export type DbService = keyof typeof SERVICE_DB_ROLES;

/** The schema registry's tables live in this schema, owned by its role. */
export const REGISTRY_SCHEMA = 'schema_registry';

const CONNECT_TIMEOUT_MS = 5_000;
/** Advisory lock key that serialises ALTER ROLE from concurrent callers on one database (else "tuple concurrently updated"). */
const LOGINS_LOCK_KEY = 0x1d_b0_1e;
/** Iterations of the SCRAM-SHA-256 verifier; Postgres' own default (scram_iterations). */
const SCRAM_ITERATIONS = 4_096;
const SCRAM_SALT_BYTES = 16;

/** Passwords we set: printable ASCII, for which SASLprep (which Postgres applies) changes nothing. */
const PASSWORD_CHARACTERS = /^[\x21-\x7e]{1,256}$/;

/**
 * The SCRAM-SHA-256 verifier Postgres stores for `password` (RFC 5802/7677, Postgres' format):
 * ALTER ROLE gets this rather than the password, so the password never reaches the server's
 * statement log or pg_stat_activity.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(SCRAM_SALT_BYTES), iterations = SCRAM_ITERATIONS): string {
  if (!PASSWORD_CHARACTERS.test(password)) throw new Error('a service role password must be 1-256 printable ASCII characters (no spaces)');
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The owner's URL with the service's role and password instead: same server, database and options. */
export function serviceDatabaseUrl(ownerUrl: string, service: DbService, password: string): string {
  const url = new URL(ownerUrl);
  url.username = SERVICE_DB_ROLES[service];
  url.password = encodeURIComponent(password);
  return url.toString();
}

async function withOwner<T>(ownerUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ownerUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'inplay-roles' });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOGINS_LOCK_KEY]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createRoleIfMissing(client: pg.Client, role: string): Promise<void> {
  // A role another database's migration creates at the same moment is fine (see the migration).
  await client.query(`DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${client.escapeLiteral(role)}) THEN
      BEGIN CREATE ROLE ${client.escapeIdentifier(role)} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    END IF;
  END $$`);
}

/**
 * Makes each given service's role a login with its password (creating the role when the
 * migration has not yet: the registry's starts before migrations run). Needs an owner that
 * may CREATE/ALTER ROLE (a superuser or CREATEROLE). Idempotent; a new password replaces the old.
 */
export async function ensureServiceLogins(ownerUrl: string, passwords: Partial<Record<DbService, string>>): Promise<void> {
  await withOwner(ownerUrl, async (client) => {
    for (const [service, password] of Object.entries(passwords) as [DbService, string | undefined][]) {
      if (password === undefined) continue;
      if (!PASSWORD_CHARACTERS.test(password)) throw new Error(`the Postgres password of ${service} must be 1-256 printable ASCII characters (no spaces)`);
      const role = SERVICE_DB_ROLES[service];
      await createRoleIfMissing(client, role);
      await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${client.escapeLiteral(scramVerifier(password))}`);
    }
  });
}

/**
 * The registry's store on the database of `ownerUrl`: the `schema_registry` schema owned by the
 * registry's role (created, or taken over with every table in it when an older registry made it
 * as the owner), and that role a login. Returns the URL the registry connects with.
 */
export async function prepareRegistryStore(ownerUrl: string, password: string): Promise<string> {
  await ensureServiceLogins(ownerUrl, { 'schema-registry': password });
  const role = SERVICE_DB_ROLES['schema-registry'];
  await withOwner(ownerUrl, async (client) => {
    const owner = client.escapeIdentifier(role);
    const schema = client.escapeIdentifier(REGISTRY_SCHEMA);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner}`);
    await client.query(`ALTER SCHEMA ${schema} OWNER TO ${owner}`);
    // Tables an older registry created as the owner (their serial sequences follow their table).
    const { rows } = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND pg_get_userbyid(c.relowner) <> $2`, [REGISTRY_SCHEMA, role]);
    for (const { relname } of rows) await client.query(`ALTER TABLE ${schema}.${client.escapeIdentifier(relname)} OWNER TO ${owner}`);
  });
  return serviceDatabaseUrl(ownerUrl, 'schema-registry', password);
}
