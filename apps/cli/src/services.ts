// The services `inplay up` starts after the infrastructure, each as its own
// Node process. Services register here as they are built.
import { join } from 'node:path';
import { serviceDatabaseUrl } from '@inplay/db';
import { kafkaSecurityFor, launchService, spawnService, type ManagedProcess, type PostgresRole, type RunningInfra, type ServiceState } from '@inplay/infra';
import { kafkaSecurityEnv, type ServicePrincipal } from '@inplay/kafka';
import type { CliSettings } from './settings';
import { devSecrets } from './secrets';

export { REPO_ROOT, launchService, spawnService, SERVICE_HEALTH_TIMEOUT_MS } from '@inplay/infra';

export interface RunningService {
  info: ServiceState;
  /** Its current process: a new one after each restart. */
  process: ManagedProcess;
  /** Starts it again with the same command, environment, ports and log file; the new process becomes `process`. */
  respawn(): ManagedProcess;
  stop(): Promise<void>;
}

export interface ServiceSpec {
  name: string;
  /** Entry file relative to the repo root. */
  entry: string;
  env: Record<string, string>;
  address: string;
  healthUrl?: string;
  /** Where Prometheus text is served, when not already the address (the gateway's internal port). */
  metricsUrl?: string;
}

export interface ServiceOptions {
  /** Gateway processes sharing one port (SO_REUSEPORT: the kernel spreads connections). */
  gateways: number;
  /** Replay speed of the demo match; 0 for no demo replay. */
  demoSpeed: number;
}

const local = (port: number): string => `http://127.0.0.1:${port}`;

/** The first gateway's internal port is the metrics base + this (DEFAULT_GATEWAY_INTERNAL_PORT with the default base). */
export const GATEWAY_INTERNAL_PORT_OFFSET = 6;

/**
 * The service's DATABASE_URL: its own Postgres role where inplay made the stack's credentials.
 * With infrastructure given from outside (no credentials) every service keeps the given
 * DATABASE_URL; the operator sets one per service (docs/security.md).
 */
function databaseEnv(infra: RunningInfra, service: PostgresRole): { DATABASE_URL?: string } {
  const password = infra.credentials?.postgres[service];
  return password === undefined ? {} : { DATABASE_URL: serviceDatabaseUrl(infra.databaseUrl, service, password) };
}

/** Specs of the services, in start order: consumers first, the demo feed last, so nothing is missed. */
export function serviceSpecs(infra: RunningInfra, settings: CliSettings, options: ServiceOptions): ServiceSpec[] {
  const secrets = devSecrets(settings.stateDir);
  // Each service logs in to Kafka as its own principal, with only the ACLs of libs/kafka acls.ts.
  const kafkaAs = (principal: ServicePrincipal): Record<string, string> => kafkaSecurityEnv(kafkaSecurityFor(infra, principal));
  const metrics = (offset: number): number => settings.INPLAY_METRICS_BASE_PORT + offset;
  const gatewayPort = settings.INPLAY_GATEWAY_PORT;
  // Each gateway's internal listener (/metrics, /admin/*) its own port: the public one is shared (SO_REUSEPORT),
  // an internal one must not be, or a scrape would reach any of them. base+6 for the first, then base+7, ...
  const gatewayInternalPort = (index: number): number => metrics(GATEWAY_INTERNAL_PORT_OFFSET + index);
  const feedPort = settings.INPLAY_FEED_PORT;
  return [
    { name: 'pricing', entry: 'apps/pricing/src/main.ts', env: { ...kafkaAs('pricing'), METRICS_PORT: String(metrics(2)), ...databaseEnv(infra, 'pricing') }, address: `metrics ${local(metrics(2))}/metrics`, healthUrl: `${local(metrics(2))}/health` },
    { name: 'settlement', entry: 'apps/settlement/src/main.ts', env: { ...kafkaAs('settlement'), ORDER_SIGNING_KEY: secrets.ORDER_SIGNING_KEY, METRICS_PORT: String(metrics(3)), ...databaseEnv(infra, 'settlement') }, address: `metrics ${local(metrics(3))}/metrics`, healthUrl: `${local(metrics(3))}/health` },
    { name: 'leaderboard', entry: 'apps/leaderboard/src/main.ts', env: { ...kafkaAs('leaderboard'), METRICS_PORT: String(metrics(5)), ...databaseEnv(infra, 'leaderboard') }, address: `metrics ${local(metrics(5))}/metrics`, healthUrl: `${local(metrics(5))}/health` },
    ...Array.from({ length: options.gateways }, (_, i): ServiceSpec => ({
      name: `gateway-${i + 1}`,
      entry: 'apps/gateway/src/main.ts',
      env: {
        ...kafkaAs('gateway'),
        GATEWAY_PORT: String(gatewayPort), GATEWAY_INTERNAL_PORT: String(gatewayInternalPort(i)), GATEWAY_SERVER_ID: `gw-${i + 1}`,
        JWT_SECRET: secrets.JWT_SECRET, ORDER_SIGNING_KEY: secrets.ORDER_SIGNING_KEY, GATEWAY_ADMIN_TOKEN: secrets.GATEWAY_ADMIN_TOKEN, GATEWAY_DEV_LOGIN: 'true',
        ...databaseEnv(infra, 'gateway'),
      },
      address: local(gatewayPort),
      // Its own internal port: the public one is shared, so /health there may answer for another gateway.
      healthUrl: `${local(gatewayInternalPort(i))}/health`,
      metricsUrl: `${local(gatewayInternalPort(i))}/metrics`,
    })),
    {
      name: 'feed-ingest',
      entry: 'apps/feed-ingest/src/main.ts',
      env: {
        ...kafkaAs('feed-ingest'),
        FEED_WEBHOOK_SECRET: secrets.FEED_WEBHOOK_SECRET,
        METRICS_PORT: String(metrics(1)),
        FEED_HTTP_PORT: String(feedPort),
        FEED_DEMO_REPLAY: options.demoSpeed > 0 ? 'true' : 'false',
        FEED_DEMO_SPEED: String(options.demoSpeed || 10),
        ...databaseEnv(infra, 'feed-ingest'),
      },
      address: `webhook ${local(feedPort)}/feed/events`,
      healthUrl: `${local(feedPort)}/health`,
    },
  ];
}

/**
 * `env` without the registry writer's credentials: a service only looks its schemas up (the bootstrap registered
 * them), so an operator's SCHEMA_REGISTRY_USER/PASSWORD in the shell does not reach it.
 */
export function withoutRegistryWriter(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { SCHEMA_REGISTRY_USER: _user, SCHEMA_REGISTRY_PASSWORD: _password, ...rest } = env;
  return rest;
}


export async function startServices(infra: RunningInfra, settings: CliSettings, options: ServiceOptions): Promise<RunningService[]> {
  const started: RunningService[] = [];
  const baseEnv = {
    ...withoutRegistryWriter(process.env),
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    DATABASE_URL: infra.databaseUrl,
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
  };
  try {
    for (const spec of serviceSpecs(infra, settings, options)) {
      const logFile = join(settings.stateDir, 'logs', `${spec.name}.log`);
      const child = await launchService(spec, baseEnv, logFile);
      const service: RunningService = {
        info: { name: spec.name, address: spec.address, logFile, ...(child.pid ? { pid: child.pid } : {}), ...(spec.healthUrl ? { healthUrl: spec.healthUrl } : {}), ...(spec.metricsUrl ? { metricsUrl: spec.metricsUrl } : {}) },
        process: child,
        respawn: () => (service.process = spawnService(spec, baseEnv, logFile)),
        stop: () => service.process.stop(),
      };
      started.push(service);
    }
    return started;
  } catch (err) {
    for (const s of started.reverse()) await s.stop();
    throw err;
  }
}

/** Builds the web client (Vite) into apps/web/dist, which the gateways serve at "/". */
export { buildWebClient } from '@inplay/infra';

export const DEMO_USERS = ['fan-1', 'fan-2', 'fan-3', 'fan-4', 'fan-5'];
export const DEMO_CASH_CENTS = 100_000;

/** Demo users with starting cash (idempotent: existing users keep their state). */
export async function createDemoUsers(databaseUrl: string): Promise<void> {
  const { createUser } = await import('@inplay/settlement');
  for (const userId of DEMO_USERS) {
    const result = await createUser(databaseUrl, { userId, displayName: userId, cashCents: DEMO_CASH_CENTS });
    if (!result.ok) throw new Error(`demo user ${userId}: ${result.message}`);
  }
}
