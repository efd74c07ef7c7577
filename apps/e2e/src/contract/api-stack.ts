// The services behind the HTTP contract, as `inplay up` runs them: settlement,
// the gateway (public and internal listeners, dev login, admin token) and
// feed-ingest's webhook, each a child process on a free port, as its own Kafka
// principal and Postgres role, on this file's topics and database.
import { join } from 'node:path';
import { ManagedProcess, REPO_ROOT, freePort, waitUntil } from '@inplay/infra';
import { grantServiceAcls, roleDatabaseUrl, serviceKafkaEnv, TEST_ORDER_SIGNING_KEY, type IsolatedEnv } from '@inplay/testing';
import type { ServicePrincipal } from '@inplay/kafka';
import type { DbService } from '@inplay/db';

export const JWT_SECRET = 'contract-signing-key-that-is-at-least-32-bytes';
/** GATEWAY_ADMIN_TOKEN: at least 32 bytes (MIN_ADMIN_TOKEN_BYTES). */
export const ADMIN_TOKEN = 'contract-admin-token-of-at-least-32-bytes';
/** FEED_WEBHOOK_SECRET: the HMAC key the schemathesis hook signs deliveries with. */
export const WEBHOOK_SECRET = 'contract-webhook-secret-0123456789';
/** How long a service may take to answer its health check after start (tsx compiles on two cores). */
const SERVICE_START_TIMEOUT_MS = 90_000;
const HEALTH_PROBE_TIMEOUT_MS = 1_000;
const SERVICE_STOP_GRACE_MS = 5_000;

export interface ApiStack {
  /** The gateway's public port: auth, orders, portfolio, leaderboard, prices, the page. */
  publicUrl: string;
  /** The gateway's internal port: /health, /metrics, /admin/*. */
  internalUrl: string;
  /** feed-ingest's webhook server: POST /feed/events, /health. */
  feedUrl: string;
  stop(): Promise<void>;
}

export async function startApiStack(env: IsolatedEnv, logDir: string): Promise<ApiStack> {
  await grantServiceAcls(env);
  const started: ManagedProcess[] = [];
  const start = async (service: DbService & ServicePrincipal, entry: string, extra: Record<string, string>, healthUrl: string): Promise<void> => {
    const child = new ManagedProcess(service, process.execPath, ['--import', 'tsx', join(REPO_ROOT, entry)], join(logDir, `${service}.log`), {
      cwd: REPO_ROOT,
      env: {
        ...process.env, SCHEMA_REGISTRY_URL: env.infra.schemaRegistryUrl, DATABASE_URL: roleDatabaseUrl(env, service), TOPIC_PREFIX: env.prefix,
        LOG_LEVEL: 'warn', JWT_SECRET, ORDER_SIGNING_KEY: TEST_ORDER_SIGNING_KEY, ...serviceKafkaEnv(env, service), ...extra,
      },
    });
    started.push(child);
    await waitUntil(service, async () => {
      if (!child.running) throw new Error(`${service} exited:\n${child.lastLines()}`);
      return (await fetch(healthUrl, { signal: AbortSignal.timeout(HEALTH_PROBE_TIMEOUT_MS) })).ok;
    }, SERVICE_START_TIMEOUT_MS);
  };
  const stop = async (): Promise<void> => {
    for (const child of [...started].reverse()) await child.stop(SERVICE_STOP_GRACE_MS).catch(() => undefined);
  };
  try {
    const [publicPort, internalPort, feedPort, settlementMetrics, feedMetrics] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${publicPort}`;
    const internalUrl = `http://127.0.0.1:${internalPort}`;
    const feedUrl = `http://127.0.0.1:${feedPort}`;
    // Three services starting at once: tsx compiles each on its own core while the others wait on Kafka.
    await Promise.all([
      start('settlement', 'apps/settlement/src/main.ts', { METRICS_PORT: String(settlementMetrics) }, `http://127.0.0.1:${settlementMetrics}/health`),
      start('gateway', 'apps/gateway/src/main.ts', {
        GATEWAY_PORT: String(publicPort), GATEWAY_INTERNAL_PORT: String(internalPort), GATEWAY_SERVER_ID: 'contract-gw',
        GATEWAY_DEV_LOGIN: 'true', GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, GATEWAY_ALLOWED_ORIGINS: publicUrl,
      }, `${internalUrl}/health`),
      start('feed-ingest', 'apps/feed-ingest/src/main.ts', {
        FEED_HTTP_PORT: String(feedPort), METRICS_PORT: String(feedMetrics), FEED_WEBHOOK_SECRET: WEBHOOK_SECRET,
      }, `${feedUrl}/health`),
    ]);
    return { publicUrl, internalUrl, feedUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
