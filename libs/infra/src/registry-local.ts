// The schema registry of the local stack: apps/schema-registry, our
// implementation of the Confluent REST API subset clients use, durable in
// Postgres (database `schema_registry`). See README "Schema registry" for why
// no existing registry is used here.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, prepareRegistryStore } from '@inplay/db';
import { GiveUp, ManagedProcess, waitUntil } from './process';

const REGISTRY_ENTRY = fileURLToPath(new URL('../../../apps/schema-registry/src/main.ts', import.meta.url));
const REGISTRY_DATABASE = 'schema_registry';
const REGISTRY_START_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 3_000;

/** GETs the registry's version; throws a clear error when it does not answer like a Confluent registry. */
export async function probeRegistry(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(new URL('subjects', url.endsWith('/') ? url : `${url}/`), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (err) {
    throw new Error(`cannot reach the schema registry at ${url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  if (!res.ok) throw new Error(`${url}/subjects answered ${res.status}: not a Confluent-compatible registry?`);
  const meta = await fetch(new URL('v1/metadata/version', url.endsWith('/') ? url : `${url}/`), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
    .then((r) => (r.ok ? (r.json() as Promise<{ version?: string }>) : ({} as { version?: string })))
    .catch((): { version?: string } => ({}));
  return meta.version ?? 'unknown';
}

export interface LocalRegistry {
  url: string;
  version: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startLocalRegistry(o: {
  stateDir: string;
  cacheDir: string;
  port: number;
  kafkaBrokers: string[];
  databaseUrl: string;
  adminDatabaseUrl?: string;
  /** The registry role's Postgres password: with it the registry connects as its own role, owning only its schema. */
  postgresPassword?: string;
  pidFile?: string;
  /** Who may write (register, delete, config): the stack's registry credentials. */
  writer: { username: string; password: string };
}): Promise<LocalRegistry> {
  // Its own database where we own the server; a schema of its own otherwise (DATABASE_URL given).
  const ownerUrl = o.adminDatabaseUrl ? await createDatabase(o.adminDatabaseUrl, REGISTRY_DATABASE) : o.databaseUrl;
  const databaseUrl = o.postgresPassword ? await prepareRegistryStore(ownerUrl, o.postgresPassword) : ownerUrl;
  const url = `http://127.0.0.1:${o.port}`;
  const child = new ManagedProcess('schema-registry', process.execPath, ['--import', 'tsx', REGISTRY_ENTRY], join(o.stateDir, 'logs', 'schema-registry.log'), {
    env: {
      ...process.env, PORT: String(o.port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      SCHEMA_REGISTRY_WRITE_USER: o.writer.username, SCHEMA_REGISTRY_WRITE_PASSWORD: o.writer.password, SCHEMA_REGISTRY_ANONYMOUS_WRITES: 'false',
    },
    ...(o.pidFile ? { pidFile: o.pidFile } : {}),
  });
  let version = 'unknown';
  try {
    await waitUntil('schema registry', async () => {
      if (!child.running) throw new GiveUp(`it exited. Its last words:\n${child.lastLines()}`);
      version = await probeRegistry(url);
      return true;
    }, REGISTRY_START_TIMEOUT_MS);
  } catch (err) {
    await child.stop();
    throw new Error(`the schema registry did not start: ${(err as Error).message}`);
  }
  return { url, version: `inplay-schema-registry ${version}`, pid: child.pid, stop: () => child.stop() };
}
