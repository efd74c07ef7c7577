// The whole product for a browser test: services as child processes (as
// `inplay up` runs them) on free ports, on the suite's infrastructure with a
// topic prefix and a database of this file's own.
import { join } from 'node:path';
import { ManagedProcess, REPO_ROOT as ROOT, freePort, launchService } from '@inplay/infra';
import { grantServiceAcls, serviceKafkaEnv, TEST_ORDER_SIGNING_KEY, type IsolatedEnv } from '@inplay/testing';
import type { ServicePrincipal } from '@inplay/kafka';

/** How long a service may take to answer /health (tsx compiles it on two busy cores). */
const SERVICE_START_TIMEOUT_MS = 90_000;

export const JWT_SECRET = 'e2e-signing-key-that-is-at-least-32-bytes';

export interface Service { name: string; process: ManagedProcess; serverId?: string }

export interface Stack {
  url: string;
  gateways: Service[];
  /** Starts feed-ingest with the demo replay (when startStack was told `feed: 'later'`). */
  startFeed(): Promise<void>;
  stop(): Promise<void>;
}

export async function buildWeb(logDir: string): Promise<void> {
  const build = new ManagedProcess('web-build', process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], join(logDir, 'web-build.log'), { cwd: join(ROOT, 'apps/web') });
  if ((await build.whenExited()) !== 0) throw new Error(`vite build failed:\n${build.lastLines()}`);
}

export async function startStack(env: IsolatedEnv, logDir: string, options: { gateways: number; replaySpeed: number; feed?: 'now' | 'later' }): Promise<Stack> {
  const gatewayPort = await freePort();
  const url = `http://127.0.0.1:${gatewayPort}`;
  // Every service as its own Kafka principal, with the ACLs a deployment gives it (written for this prefix).
  await grantServiceAcls(env);
  const base = {
    ...process.env, SCHEMA_REGISTRY_URL: env.infra.schemaRegistryUrl,
    DATABASE_URL: env.databaseUrl, TOPIC_PREFIX: env.prefix, LOG_LEVEL: 'warn', JWT_SECRET, ORDER_SIGNING_KEY: TEST_ORDER_SIGNING_KEY,
  };
  const started: Service[] = [];
  const start = async (name: string, entry: string, extra: Record<string, string>, healthUrl: string): Promise<Service> => {
    const principal = name.replace(/-\d+$/, '') as ServicePrincipal;
    const process_ = await launchService({ name, entry, healthUrl, env: { ...serviceKafkaEnv(env, principal), ...extra } }, base, join(logDir, `${name}.log`), SERVICE_START_TIMEOUT_MS);
    const service = { name, process: process_, ...(extra['GATEWAY_SERVER_ID'] ? { serverId: extra['GATEWAY_SERVER_ID'] } : {}) };
    started.push(service);
    return service;
  };
  const metrics = async (): Promise<{ port: string; health: string }> => {
    const port = await freePort();
    return { port: String(port), health: `http://127.0.0.1:${port}/health` };
  };
  try {
    const pricing = await metrics();
    await start('pricing', 'apps/pricing/src/main.ts', { METRICS_PORT: pricing.port }, pricing.health);
    const settlement = await metrics();
    await start('settlement', 'apps/settlement/src/main.ts', { METRICS_PORT: settlement.port }, settlement.health);
    const leaderboard = await metrics();
    await start('leaderboard', 'apps/leaderboard/src/main.ts', { METRICS_PORT: leaderboard.port }, leaderboard.health);
    const gateways: Service[] = [];
    for (let i = 1; i <= options.gateways; i++) {
      gateways.push(await start(`gateway-${i}`, 'apps/gateway/src/main.ts', {
        GATEWAY_PORT: String(gatewayPort), GATEWAY_INTERNAL_PORT: String(await freePort()), GATEWAY_SERVER_ID: `e2e-gw-${i}`, GATEWAY_DEV_LOGIN: 'true', GATEWAY_ALLOWED_ORIGINS: url,
      }, `${url}/health`));
    }
    const startFeed = async (): Promise<void> => {
      const feedPort = await freePort();
      const feedMetrics = await metrics();
      await start('feed-ingest', 'apps/feed-ingest/src/main.ts', {
        FEED_HTTP_PORT: String(feedPort), METRICS_PORT: feedMetrics.port, FEED_WEBHOOK_SECRET: 'e2e-webhook-secret-0123456789',
        FEED_DEMO_REPLAY: 'true', FEED_DEMO_SPEED: String(options.replaySpeed), FEED_LAG_MS: '0', FEED_LAG_JITTER_MS: '0',
      }, `http://127.0.0.1:${feedPort}/health`);
    };
    if (options.feed !== 'later') await startFeed();
    return { url, gateways, startFeed, stop: () => stopAll(started) };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

async function stopAll(services: Service[]): Promise<void> {
  for (const s of [...services].reverse()) await s.process.stop(5_000).catch(() => undefined);
}
