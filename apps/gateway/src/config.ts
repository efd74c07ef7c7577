// The gateway's one validated config object: where the infrastructure is, who
// this instance is, which origins may open sockets, and every limit with its
// number. Each limit can be set as GATEWAY_<NAME_IN_SNAKE_CASE>.
import type { KafkaSecurity } from '@inplay/kafka';
import { hostname } from 'node:os';
import { ConfigError, DEFAULT_PORTS, infraHints, infraShape, kafkaSecurityOf, loadConfig, ORDER_SIGNING_KEY_HINT, orderSigningKey, postgresUrl, registryAuthOf, z } from '@inplay/config';
import { MAX_TOKEN_TTL_MS, MIN_SIGNING_KEY_BYTES } from '@inplay/auth';

export const DEFAULT_LIMITS = {
  /** This machine allows 20,000 open files per process: leave room for Kafka, Postgres and the listen socket. */
  maxConnectionsPerInstance: 18_000,
  maxSubscriptionsPerConnection: 100,
  /** Largest client frame handled; larger ones get FRAME_TOO_LARGE (uWS drops the connection past 16x this). */
  maxFrameBytes: 4_096,
  maxMessagesPerSecond: 20,
  /** Room for a reconnect that resumes every subscribed player one message each. */
  messageBurst: 120,
  /** Refused (rate-limited) messages in a row before the connection is closed with RATE_LIMITED. */
  rateLimitedMessagesBeforeClose: 100,
  /** Bad messages over a connection's life before it is closed with PROTOCOL_VIOLATION. */
  protocolErrorsBeforeClose: 20,
  /**
   * At most one tick message per player per this window; 0 (the default) sends every tick. Off by default since
   * ticks are batched (flushIntervalMs bounds a socket's frames): throttling at the source conflated away whole
   * bursts whenever the Kafka feed delivered a player's ticks close together (docs/scaling.md). Slow consumers
   * are still conflated (slow mode).
   */
  conflateMs: 0,
  /**
   * The ticks a connection is due go out together, one frame per this interval (a `batch` when there are several):
   * frames, not bytes, are what a socket costs. 0 sends at the end of each event-loop turn (one Kafka batch).
   */
  flushIntervalMs: 50,
  ringBufferTicksPerPlayer: 256,
  softBackpressureBytes: 64 * 1024,
  hardBackpressureBytes: 256 * 1024,
  slowConsumerGraceMs: 10_000,
  slowSnapshotIntervalMs: 1_000,
  backpressureSweepMs: 250,
  /** uWS idle timeout (pings are sent automatically before it); uWS needs at least 8. */
  idleTimeoutSeconds: 32,
  /** Ticks read back per price.ticks partition at start, to fill the resume ring buffers. */
  bootstrapRewindTicksPerPartition: 2_000,
  bootstrapTimeoutMs: 60_000,
  playersCacheMs: 2_000,
  maxPlayersPerResponse: 5_000,
  leaderboardTopEntries: 10,
  /** Orders accepted while a produce request is out go together in the next one: at most this many per request… */
  intakeMaxBatchOrders: 1_000,
  /** …gathered for at most this long more once the previous request is acknowledged (kafkajs has no linger of its own). */
  intakeLingerMs: 1,
  /**
   * An idempotency claim this old with no result is sent again by the claim sweeper (a gateway died between
   * claiming and producing). Well past claim → produce → settle (p99 under a second at 2,000 orders/s), so only a
   * stalled settlement costs a duplicate record, which it ignores.
   */
  unsentClaimGraceMs: 10_000,
  unsentClaimSweepMs: 2_000,
  /** Lifetime of the tokens this gateway issues (POST /auth/refresh, the dev login): clients refresh before it ends. At most libs/auth MAX_TOKEN_TTL_MS. */
  tokenTtlMs: 15 * 60 * 1000,
  /**
   * Every this often the gateway reads the revoked tokens from Postgres: a token revoked on another gateway
   * still works here for at most this long (and an open socket on it is closed within it plus backpressureSweepMs).
   */
  revocationRefreshMs: 2_000,
  /** Revocations not read for this long (Postgres away): token checks fail closed (HTTP 503, WebSocket error AUTH_UNAVAILABLE). */
  revocationMaxStaleMs: 30_000,
} as const;

export type GatewayLimits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };

export const MIN_IDLE_TIMEOUT_SECONDS = 8;
/** A token shorter-lived than this would need refreshing more often than a page can sensibly do it. */
export const MIN_TOKEN_TTL_MS = 60_000;
/** The internal listener (/metrics, /health, /admin/*): never the public port. */
export const DEFAULT_GATEWAY_INTERNAL_PORT = DEFAULT_PORTS.metricsBase + 6;
export const DEFAULT_ALLOWED_ORIGINS = [`http://localhost:${DEFAULT_PORTS.gateway}`, `http://127.0.0.1:${DEFAULT_PORTS.gateway}`, 'http://localhost:5173', 'http://127.0.0.1:5173'];

export interface GatewayConfig {
  kafkaBrokers: string[];
  /** The service's Kafka principal and TLS (KAFKA_SASL_*, KAFKA_TLS_CA_FILE); empty for a broker without authentication. */
  kafkaSecurity?: KafkaSecurity | undefined;
  schemaRegistryUrl: string;
  /** The registry writer's credentials (SCHEMA_REGISTRY_USER/PASSWORD); without them (production) schemas are only looked up. */
  registryAuth?: { username: string; password: string };
  databaseUrl: string;
  topicPrefix: string;
  logLevel: string;
  jwtSecret: string;
  /** ORDER_SIGNING_KEY: every `orders` record is signed with it (settlement settles nothing else). */
  orderSigningKey: string;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Where the internal listener binds (METRICS_HOST): loopback on a laptop, 0.0.0.0 in a pod. */
  internalHost: string;
  /** The internal listener's port (/metrics, /health, /admin/*), kept off the public port; 0 picks a free port (tests). */
  internalPort: number;
  serverId: string;
  /** Browser origins allowed to open sockets; ["*"] allows any. A missing Origin (non-browser client) is always allowed. */
  allowedOrigins: string[];
  limits: GatewayLimits;
}

const envName = (limit: string): string => `GATEWAY_${limit.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

const limitShape = Object.fromEntries(
  Object.entries(DEFAULT_LIMITS).map(([name, value]) => [envName(name), z.coerce.number().int().min(name === 'conflateMs' || name === 'flushIntervalMs' || name === 'intakeLingerMs' ? 0 : 1).default(value)]),
) as Record<string, z.ZodDefault<z.ZodCoercedNumber>>;

const shape = {
  ...infraShape,
  DATABASE_URL: postgresUrl,
  ORDER_SIGNING_KEY: orderSigningKey,
  JWT_SECRET: z.string().refine((s) => Buffer.byteLength(s) >= MIN_SIGNING_KEY_BYTES, { message: `must be at least ${MIN_SIGNING_KEY_BYTES} bytes` }),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORTS.gateway),
  GATEWAY_INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_GATEWAY_INTERNAL_PORT),
  GATEWAY_SERVER_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, '1-64 of A-Z a-z 0-9 _ . -').optional(),
  GATEWAY_ALLOWED_ORIGINS: z.string().default(DEFAULT_ALLOWED_ORIGINS.join(',')),
  ...limitShape,
};

const hints = {
  ...infraHints,
  DATABASE_URL: 'The gateway reads the players table from it (GET /players)',
  ORDER_SIGNING_KEY: ORDER_SIGNING_KEY_HINT,
  JWT_SECRET: 'The key tokens are signed with: the same value as every other service (`inplay up` generates one)',
  GATEWAY_ALLOWED_ORIGINS: 'Comma-separated origins like https://play.example.com, or * for any',
  GATEWAY_INTERNAL_PORT: `A free TCP port for /metrics, /health and /admin/* (default ${DEFAULT_GATEWAY_INTERNAL_PORT}), bound to METRICS_HOST; never the public GATEWAY_PORT`,
};

const optionalRegistryAuth = (raw: Parameters<typeof registryAuthOf>[0]): { registryAuth?: { username: string; password: string } } => {
  const registryAuth = registryAuthOf(raw);
  return registryAuth ? { registryAuth } : {};
};

/** Reads and validates the environment; throws a ConfigError naming every bad setting. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const raw = loadConfig(shape, env, hints) as Record<string, unknown> & z.infer<z.ZodObject<typeof shape>>;
  const limits = Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((name) => [name, raw[envName(name)] as number])) as GatewayLimits;
  const config: GatewayConfig = {
    kafkaBrokers: raw.KAFKA_BROKERS,
    kafkaSecurity: kafkaSecurityOf(raw),
    schemaRegistryUrl: raw.SCHEMA_REGISTRY_URL,
    ...optionalRegistryAuth(raw),
    databaseUrl: raw.DATABASE_URL,
    topicPrefix: raw.TOPIC_PREFIX,
    logLevel: raw.LOG_LEVEL,
    jwtSecret: raw.JWT_SECRET,
    orderSigningKey: raw.ORDER_SIGNING_KEY,
    host: raw.GATEWAY_HOST,
    port: raw.GATEWAY_PORT,
    internalHost: raw.METRICS_HOST,
    internalPort: raw.GATEWAY_INTERNAL_PORT,
    serverId: raw.GATEWAY_SERVER_ID ?? `gw-${hostname()}-${raw.GATEWAY_PORT}`,
    allowedOrigins: raw.GATEWAY_ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    limits,
  };
  validateLimits(config.limits);
  if (config.port !== 0 && config.port === config.internalPort) {
    throw new ConfigError([`GATEWAY_INTERNAL_PORT must differ from GATEWAY_PORT (both ${config.port}): /metrics and /admin/* stay off the public port`]);
  }
  return config;
}

/** Cross-field rules zod cannot see per field. Throws with the setting names. */
export function validateLimits(limits: GatewayLimits): void {
  const problems: string[] = [];
  if (limits.softBackpressureBytes > limits.hardBackpressureBytes) problems.push(`${envName('softBackpressureBytes')} must not exceed ${envName('hardBackpressureBytes')}`);
  if (limits.idleTimeoutSeconds < MIN_IDLE_TIMEOUT_SECONDS) problems.push(`${envName('idleTimeoutSeconds')} must be at least ${MIN_IDLE_TIMEOUT_SECONDS} (uWS)`);
  if (limits.messageBurst < 1 || limits.maxMessagesPerSecond < 1) problems.push('message rate limits must be at least 1');
  if (limits.tokenTtlMs < MIN_TOKEN_TTL_MS || limits.tokenTtlMs > MAX_TOKEN_TTL_MS) problems.push(`${envName('tokenTtlMs')} must be from ${MIN_TOKEN_TTL_MS} to ${MAX_TOKEN_TTL_MS} (libs/auth MAX_TOKEN_TTL_MS)`);
  if (limits.revocationMaxStaleMs <= limits.revocationRefreshMs) problems.push(`${envName('revocationMaxStaleMs')} must exceed ${envName('revocationRefreshMs')}`);
  if (problems.length > 0) throw new Error(`Invalid gateway limits:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
