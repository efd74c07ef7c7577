// The registry as an in-process server: migrate the store, then answer the
// Confluent REST API on node:http. main.ts runs it as a process; tests and
// tools start it directly with startRegistryServer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPool, redact, type Pool } from '@inplay/db';
import { createLogger, type Logger } from '@inplay/telemetry';
import { checkWriter, type Writers } from './auth';
import { ERROR_CODES, fail, isFailure, type RegistryFailure } from './errors';
import { readJsonBody, replyOf, sendReply, type Reply } from './http';
import { runMigrations } from './migrations';
import { createRequestMetrics, UNMATCHED_ROUTE, type RequestMetrics } from './request-metrics';
import { parseSubject } from './requests';
import { changesRegistry, matchRoute, type Route } from './router';
import { configRoutes } from './routes-config';
import { schemaRoutes } from './routes-schemas';
import { serviceRoutes } from './routes-service';
import { subjectRoutes } from './routes-subjects';

/** Largest request body read; bigger ones get 413 (a large Avro schema is tens of KiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Postgres connections per registry; registrations of one subject queue on its advisory lock anyway. */
export const POOL_MAX_CONNECTIONS = 10;
/** Base of relative request targets. */
const BASE_URL = 'http://registry.invalid';
/** A request (headers and body) must arrive within this, or Node answers 408 and drops it. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How long close() lets in-flight requests finish before cutting their connections. */
export const CLOSE_GRACE_MS = 10_000;

export interface RegistryServerOptions {
  databaseUrl: string;
  port: number;
  host: string;
  /** Who may register, delete and set compatibility: basic credentials, or 'anonymous' (anyone) only when asked for. */
  writers: Writers;
  logger?: Logger;
  maxBodyBytes?: number;
}

export interface RegistryServer {
  url: string;
  close(): Promise<void>;
}

interface Deps {
  routes: Route[];
  metrics: RequestMetrics;
  logger: Logger;
  maxBodyBytes: number;
  writers: Writers;
}

async function answer(req: IncomingMessage, deps: Deps): Promise<{ route: string; result: Reply | RegistryFailure }> {
  // A request target that is no URL (an absolute form such as "http://[/x"): new URL threw, a 500 before.
  if (!URL.canParse(req.url ?? '/', BASE_URL)) return { route: UNMATCHED_ROUTE, result: fail(ERROR_CODES.badRequest, `Malformed request target ${JSON.stringify(req.url)}`) };
  const { pathname, searchParams } = new URL(req.url ?? '/', BASE_URL);
  const match = matchRoute(deps.routes, req.method ?? 'GET', pathname);
  if (!match.route) return { route: UNMATCHED_ROUTE, result: match.failure };
  const route = match.route.path;
  // Before the body is read or the subject parsed: whoever may not write learns nothing more than 401.
  const denied = changesRegistry(match.route) ? checkWriter(deps.writers, req.headers.authorization) : undefined;
  if (denied) return { route, result: denied };
  const subject = match.params['subject'] === undefined ? undefined : parseSubject(match.params['subject']);
  if (isFailure(subject)) return { route, result: subject };
  const body = match.route.readsBody ? await readJsonBody(req, deps.maxBodyBytes) : undefined;
  if (isFailure(body)) return { route, result: body };
  try {
    return { route, result: await match.route.handle({ params: match.params, query: searchParams, body }) };
  } catch (err) {
    deps.logger.error({ err, method: req.method, url: req.url }, 'request failed in the store');
    return { route, result: fail(ERROR_CODES.storeError, `Error in the backend data store: ${(err as Error).message}`) };
  }
}

function handleRequest(req: IncomingMessage, res: ServerResponse, deps: Deps): void {
  answer(req, deps).then(
    ({ route, result }) => {
      const reply = replyOf(result);
      // After a 413 the rest of the body is still on the wire: do not reuse the connection.
      sendReply(res, reply, isFailure(result) && result.errorCode === ERROR_CODES.payloadTooLarge);
      deps.metrics.countRequest(req.method ?? '?', route, reply.status);
    },
    (err: unknown) => {
      deps.logger.error({ err, method: req.method, url: req.url }, 'request failed');
      if (!res.headersSent) sendReply(res, replyOf(fail(ERROR_CODES.storeError, 'Internal error')), true);
      else res.destroy();
    },
  );
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeGracefully(server: Server, pool: Pool): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      const forced = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearTimeout(forced);
      await pool.end();
    })();
    return closing;
  };
}

/** Migrates the store at `databaseUrl`, then listens; resolves once it accepts requests. */
export async function startRegistryServer(options: RegistryServerOptions): Promise<RegistryServer> {
  const logger = options.logger ?? createLogger('schema-registry');
  const applied = await runMigrations(options.databaseUrl, (message) => logger.debug(message));
  logger.info({ database: redact(options.databaseUrl), applied }, 'schema registry store migrated');
  const pool = createPool(options.databaseUrl, { max: POOL_MAX_CONNECTIONS, applicationName: 'schema-registry' });
  const metrics = createRequestMetrics();
  const routes = [...serviceRoutes(metrics.registry), ...subjectRoutes(pool), ...schemaRoutes(pool), ...configRoutes(pool)];
  const deps: Deps = { routes, metrics, logger, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, writers: options.writers };
  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => handleRequest(req, res, deps));
  try {
    const port = await listen(server, options.port, options.host);
    const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    logger.info({ url, writes: options.writers === 'anonymous' ? 'anyone (anonymous writes)' : `basic auth as ${options.writers.username}` }, 'schema registry listening');
    return { url, close: closeGracefully(server, pool) };
  } catch (err) {
    await pool.end();
    throw err;
  }
}
