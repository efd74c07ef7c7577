// The services behind the HTTP contract, as `inplay up` runs them: settlement,
// the gateway (public and internal listeners, dev login, admin token) and
// feed-ingest's webhook, each a child process on a free port, as its own Kafka
// principal and Postgres role, on this file's topics and database.
import { join } from 'node:path';
import { freePort, launchService, type ManagedProcess } from '@inplay/infra';
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
  // launchService stops a service that never answers; the others are stopped below.
  const start = (service: DbService & ServicePrincipal, entry: string, extra: Record<string, string>, healthUrl: string): Promise<ManagedProcess> => launchService({
    name: service, entry, healthUrl, env: {
      SCHEMA_REGISTRY_URL: env.infra.schemaRegistryUrl, DATABASE_URL: roleDatabaseUrl(env, service), TOPIC_PREFIX: env.prefix,
      LOG_LEVEL: 'warn', JWT_SECRET, ORDER_SIGNING_KEY: TEST_ORDER_SIGNING_KEY, ...serviceKafkaEnv(env, service), ...extra,
    },
  }, process.env, join(logDir, `${service}.log`), SERVICE_START_TIMEOUT_MS);
  const stop = async (): Promise<void> => {
    for (const child of [...started].reverse()) await child.stop(SERVICE_STOP_GRACE_MS).catch(() => undefined);
  };
  try {
    const [publicPort, internalPort, feedPort, settlementMetrics, feedMetrics] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${publicPort}`;
    const internalUrl = `http://127.0.0.1:${internalPort}`;
    const feedUrl = `http://127.0.0.1:${feedPort}`;
    // Three services starting at once: tsx compiles each on its own core while the others wait on Kafka.
    const starts = await Promise.allSettled([
      start('settlement', 'apps/settlement/src/main.ts', { METRICS_PORT: String(settlementMetrics) }, `http://127.0.0.1:${settlementMetrics}/health`),
      start('gateway', 'apps/gateway/src/main.ts', {
        GATEWAY_PORT: String(publicPort), GATEWAY_INTERNAL_PORT: String(internalPort), GATEWAY_SERVER_ID: 'contract-gw',
        GATEWAY_DEV_LOGIN: 'true', GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, GATEWAY_ALLOWED_ORIGINS: publicUrl,
      }, `${internalUrl}/health`),
      start('feed-ingest', 'apps/feed-ingest/src/main.ts', {
        FEED_HTTP_PORT: String(feedPort), METRICS_PORT: String(feedMetrics), FEED_WEBHOOK_SECRET: WEBHOOK_SECRET,
      }, `${feedUrl}/health`),
    ]);
    for (const s of starts) if (s.status === 'fulfilled') started.push(s.value);
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return { publicUrl, internalUrl, feedUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
