// The CLI's own settings, validated once at start-up.
import type { KafkaSecurity } from '@inplay/kafka';
import { bool, z, kafkaSecurityOf, loadConfig, port, positiveInt, infraShape, infraHints, localDirs, brokerList, httpUrl, postgresUrl, registryAuthOf, DEFAULT_PORTS } from '@inplay/config';

export const cliShape = {
  ...infraShape,
  // No defaults here: unset means "the local stack" (or "missing" with --infra=external).
  KAFKA_BROKERS: brokerList.optional(),
  SCHEMA_REGISTRY_URL: httpUrl.optional(),
  /** A role that may CREATE DATABASE, for commands that build databases of their own (the audit) against infrastructure elsewhere. */
  ADMIN_DATABASE_URL: postgresUrl.optional(),
  INPLAY_INFRA: z.enum(['local', 'external', 'containers']).default('local'),
  INPLAY_KAFKA_PORT: port.default(DEFAULT_PORTS.kafka),
  INPLAY_KAFKA_CONTROLLER_PORT: port.default(DEFAULT_PORTS.kafkaController),
  INPLAY_POSTGRES_PORT: port.default(DEFAULT_PORTS.postgres),
  INPLAY_REGISTRY_PORT: port.default(DEFAULT_PORTS.registry),
  INPLAY_KAFKA_HEAP_MB: positiveInt.max(8192).default(512),
  INPLAY_KAFKA_TLS: bool.default(false),
  INPLAY_GATEWAY_PORT: port.default(DEFAULT_PORTS.gateway),
  INPLAY_FEED_PORT: port.default(DEFAULT_PORTS.feedWebhook),
  INPLAY_METRICS_BASE_PORT: port.max(65_000).default(DEFAULT_PORTS.metricsBase),
};

export const cliHints = {
  ...infraHints,
  INPLAY_INFRA: 'local starts Kafka, Postgres and the registry here; external uses KAFKA_BROKERS, DATABASE_URL and SCHEMA_REGISTRY_URL; containers needs Docker',
  ADMIN_DATABASE_URL: 'A role that may CREATE DATABASE on the server of DATABASE_URL: the audit (inplay replay) rebuilds into a fresh database there',
  INPLAY_KAFKA_PORT: 'A free TCP port for the local broker',
  INPLAY_POSTGRES_PORT: 'A free TCP port for the embedded Postgres',
  INPLAY_REGISTRY_PORT: 'A free TCP port for the schema registry',
  INPLAY_GATEWAY_PORT: 'A free TCP port for the gateway(s): the web page, HTTP API and WebSocket',
  INPLAY_FEED_PORT: 'A free TCP port for feed-ingest\'s webhook',
  INPLAY_METRICS_BASE_PORT: 'The first of the services\' metrics ports (base+1 feed-ingest, +2 pricing, +3 settlement, +5 leaderboard, +6 the first gateway\'s internal port for /metrics and /admin, +7 the second\'s, ...)',
  INPLAY_KAFKA_TLS: 'true: the local broker listens with TLS (SASL_SSL) under a development CA made in the state dir (tls/ca.crt); services get KAFKA_TLS_CA_FILE',
  INPLAY_KAFKA_HEAP_MB: 'Heap of the local broker in MiB (it shares 2 cores and memory with everything else)',
};

export type CliSettings = ReturnType<typeof loadSettings>;

export function loadSettings(env: Record<string, string | undefined> = process.env) {
  const settings = loadConfig(cliShape, env, cliHints);
  // Both or neither, checked at start-up like every other setting.
  const registryAuth = registryAuthOf(settings);
  return { ...settings, ...localDirs(env), ...(registryAuth ? { registryAuth } : {}) };
}

/**
 * What the environment says about infrastructure that runs elsewhere (used by external mode, and DATABASE_URL locally),
 * with the operator's Kafka login (KAFKA_SASL_*) and registry credentials (SCHEMA_REGISTRY_USER/PASSWORD) the bootstrap uses.
 */
export function externalEndpoints(settings: CliSettings): { kafkaBrokers?: string[]; kafkaSecurity?: KafkaSecurity; databaseUrl?: string; schemaRegistryUrl?: string; registryAuth?: { username: string; password: string } } {
  return {
    kafkaSecurity: kafkaSecurityOf(settings),
    ...(settings.registryAuth ? { registryAuth: settings.registryAuth } : {}),
    ...(settings.KAFKA_BROKERS ? { kafkaBrokers: settings.KAFKA_BROKERS } : {}),
    ...(settings.DATABASE_URL ? { databaseUrl: settings.DATABASE_URL } : {}),
    ...(settings.SCHEMA_REGISTRY_URL ? { schemaRegistryUrl: settings.SCHEMA_REGISTRY_URL } : {}),
  };
}
