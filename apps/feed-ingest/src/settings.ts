// feed-ingest's configuration: read once from the environment, validated with
// zod at start-up so a bad value stops the service naming the setting.
import type { KafkaSecurity } from '@inplay/kafka';
import { DEFAULT_PORTS, bool, infraHints, infraShape, kafkaSecurityOf, loadConfig, port, postgresUrl, registryAuthOf, z } from '@inplay/config';
import { DEFAULT_FEED_LAG_JITTER_MS, DEFAULT_FEED_LAG_MS, REPLAY_LIMITS } from '@inplay/domain';

export const DEFAULT_METRICS_PORT = DEFAULT_PORTS.metricsBase + 1;
export const DEFAULT_DEMO_SPEED = 10;
export const MIN_WEBHOOK_SECRET_CHARS = 16;

const settingsShape = {
  ...infraShape,
  DATABASE_URL: postgresUrl,
  FEED_WEBHOOK_SECRET: z.string().min(MIN_WEBHOOK_SECRET_CHARS, `must be at least ${MIN_WEBHOOK_SECRET_CHARS} characters`),
  FEED_HTTP_PORT: port.default(DEFAULT_PORTS.feedWebhook),
  METRICS_PORT: port.default(DEFAULT_METRICS_PORT),
  FEED_LAG_MS: z.coerce.number().int().min(0).max(REPLAY_LIMITS.maxLagMs).default(DEFAULT_FEED_LAG_MS),
  FEED_LAG_JITTER_MS: z.coerce.number().int().min(0).max(REPLAY_LIMITS.maxLagJitterMs).default(DEFAULT_FEED_LAG_JITTER_MS),
  FEED_DEMO_REPLAY: bool.default(false),
  FEED_DEMO_SPEED: z.coerce.number().min(REPLAY_LIMITS.minSpeed).max(REPLAY_LIMITS.maxSpeed).default(DEFAULT_DEMO_SPEED),
  FEED_DATA_DIR: z.string().min(1).optional(),
  FEED_DEMO_MATCH: z.string().regex(/^\d+$/, 'must be a StatsBomb match id (digits)').optional(),
};

const settingsHints = {
  ...infraHints,
  DATABASE_URL: 'feed-ingest keeps its outbox (feed_events), webhook deliveries, matches and players there',
  FEED_WEBHOOK_SECRET: 'The shared HMAC-SHA256 secret of the live provider\'s webhook; e.g. `openssl rand -hex 32`',
  FEED_DEMO_SPEED: `Replay speed factor, ${REPLAY_LIMITS.minSpeed}..${REPLAY_LIMITS.maxSpeed} (100 plays 90 minutes in 54 s)`,
  FEED_LAG_MS: 'Wall-clock feed lag added to each replayed event, in ms',
  FEED_DATA_DIR: 'A StatsBomb Open Data folder (events/, lineups/, matches/) to take the demo match from; default the repository\'s data/statsbomb',
  FEED_DEMO_MATCH: 'The StatsBomb match id of the demo replay in FEED_DATA_DIR, e.g. 15986',
};

export interface InfraSettings {
  kafkaBrokers: string[];
  /** The service's Kafka principal and TLS (KAFKA_SASL_*, KAFKA_TLS_CA_FILE); empty for a broker without authentication. */
  kafkaSecurity?: KafkaSecurity | undefined;
  schemaRegistryUrl: string;
  /** The registry writer's credentials (SCHEMA_REGISTRY_USER/PASSWORD); without them (production) schemas are only looked up. */
  registryAuth?: { username: string; password: string };
  databaseUrl: string;
  topicPrefix: string;
}

export interface FeedSettings {
  infra: InfraSettings;
  logLevel: string;
  webhookSecret: string;
  httpPort: number;
  metricsPort: number;
  metricsHost: string;
  lagMs: number;
  lagJitterMs: number;
  demoReplay: boolean;
  demoSpeed: number;
  dataDir: string | undefined;
  demoMatch: string | undefined;
}

/** Throws a ConfigError listing every bad setting with a hint. */
export function loadFeedSettings(env: Record<string, string | undefined> = process.env): FeedSettings {
  // Validate a same-length mask of the secret, so an error message never prints it.
  const secret = env['FEED_WEBHOOK_SECRET'];
  const masked = secret === undefined ? env : { ...env, FEED_WEBHOOK_SECRET: '*'.repeat(secret.length) };
  const c = loadConfig(settingsShape, masked, settingsHints);
  const registryAuth = registryAuthOf(c);
  return {
    infra: { kafkaBrokers: c.KAFKA_BROKERS, kafkaSecurity: kafkaSecurityOf(c), schemaRegistryUrl: c.SCHEMA_REGISTRY_URL, databaseUrl: c.DATABASE_URL, topicPrefix: c.TOPIC_PREFIX, ...(registryAuth ? { registryAuth } : {}) },
    logLevel: c.LOG_LEVEL,
    webhookSecret: secret ?? c.FEED_WEBHOOK_SECRET,
    httpPort: c.FEED_HTTP_PORT,
    metricsPort: c.METRICS_PORT,
    metricsHost: c.METRICS_HOST,
    lagMs: c.FEED_LAG_MS,
    lagJitterMs: c.FEED_LAG_JITTER_MS,
    demoReplay: c.FEED_DEMO_REPLAY,
    demoSpeed: c.FEED_DEMO_SPEED,
    dataDir: c.FEED_DATA_DIR,
    demoMatch: c.FEED_DEMO_MATCH,
  };
}
