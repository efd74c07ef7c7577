// Config for every app: read once from the environment, validated with zod at
// start-up, so a bad value stops the process within milliseconds and names the
// setting and what to do about it.
import { z } from 'zod';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

export { z };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` against `shape`; throws a ConfigError listing every bad setting with a hint. */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
  hints: Partial<Record<keyof S, string>> = {},
): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '?');
    const got = env[key];
    const hint = hints[key as keyof S];
    return `${key}: ${issue.message}${got === undefined ? ' (not set)' : ` (got ${JSON.stringify(got)})`}${hint ? `. ${hint}` : ''}`;
  });
  throw new ConfigError(problems);
}

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;

/** Comma-separated host:port list, e.g. "127.0.0.1:19092,10.0.0.2:9092". */
export const brokerList = z
  .string()
  .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((b) => HOST_PORT.test(b) && Number(b.split(':').pop()) <= 65535), {
    message: 'expected a comma-separated list of host:port',
  });

export const port = z.coerce.number().int().min(1).max(65535);
/** An address to listen on: an IPv4/IPv6 address or a host name ("0.0.0.0" for every interface, as in a container). */
export const bindHost = z.string().regex(/^([A-Za-z0-9.-]+|[0-9A-Fa-f:]+)$/, 'expected an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0');
export const positiveInt = z.coerce.number().int().positive();
export const httpUrl = z.string().url().refine((u) => /^https?:/.test(u), { message: 'expected an http(s) URL' });
export const postgresUrl = z
  .string()
  .url()
  .refine((u) => /^postgres(ql)?:/.test(u), { message: 'expected postgres://user:password@host:port/database' });
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');
/**
 * INPLAY_ENV: what kind of deployment this is. `production` (the Helm chart sets it) refuses
 * development conveniences at start-up (the gateway's GATEWAY_DEV_LOGIN) and asks for longer secrets.
 */
export const deploymentEnvironment = z.enum(['production', 'development']).default('development');
export type DeploymentEnvironment = z.infer<typeof deploymentEnvironment>;

export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Shortest ORDER_SIGNING_KEY accepted, in bytes (32 random bytes: the usual floor for an HMAC-SHA256 key). */
export const MIN_ORDER_SIGNING_KEY_BYTES = 32;
/**
 * ORDER_SIGNING_KEY: the HMAC key the gateway signs each `orders` record with and settlement checks
 * (libs/kafka record-signature.ts). The same value on both; `inplay up` generates one.
 */
export const orderSigningKey = z.string().refine((s) => Buffer.byteLength(s) >= MIN_ORDER_SIGNING_KEY_BYTES, { message: `must be at least ${MIN_ORDER_SIGNING_KEY_BYTES} bytes (e.g. \`openssl rand -base64 48\`)` });
export const ORDER_SIGNING_KEY_HINT = 'The key the gateway signs orders with and settlement checks them by: the same value on both (`inplay up` generates one)';

/** Default ports of the local development stack, one place for all. */
export const DEFAULT_PORTS = {
  kafka: 19092,
  kafkaController: 19093,
  postgres: 15432,
  registry: 18081,
  gateway: 8080,
  feedWebhook: 8090,
  metricsBase: 9400,
} as const;

export const DEFAULTS = {
  kafkaBrokers: `127.0.0.1:${DEFAULT_PORTS.kafka}`,
  schemaRegistryUrl: `http://127.0.0.1:${DEFAULT_PORTS.registry}`,
};

/**
 * Where downloads (Kafka jars, registry build) are cached and where local
 * state (broker log, Postgres data) lives. Postgres runs as the `postgres`
 * user when we are root, and /root is not traversable by it, so root's state
 * goes under /var/lib/inplay.
 */
export function localDirs(env: Record<string, string | undefined> = process.env): { cacheDir: string; stateDir: string } {
  const isRoot = userInfo().uid === 0;
  const cacheDir = env['INPLAY_CACHE_DIR'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'inplay');
  const stateDir = env['INPLAY_STATE_DIR'] ?? (isRoot ? '/var/lib/inplay' : join(homedir(), '.local', 'state', 'inplay'));
  return { cacheDir, stateDir };
}

/** The settings every service shares: where the infrastructure is. */
export const infraShape = {
  KAFKA_BROKERS: brokerList.default([DEFAULTS.kafkaBrokers]),
  /** The service's Kafka principal (SASL/SCRAM-SHA-512): both or neither. */
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** TLS to the brokers: the CA certificate (PEM file) that signed theirs. Plaintext when unset. */
  KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
  SCHEMA_REGISTRY_URL: httpUrl.default(DEFAULTS.schemaRegistryUrl),
  DATABASE_URL: postgresUrl.optional(),
  TOPIC_PREFIX: z.string().regex(/^[a-z0-9._-]*$/, 'lowercase letters, digits, dot, dash, underscore').default(''),
  LOG_LEVEL: logLevel,
  /** Where /metrics and /health listen: loopback on a laptop, 0.0.0.0 in a container or pod. */
  METRICS_HOST: bindHost.default('127.0.0.1'),
  /** The registry writer's basic credentials, both or neither (registryAuthOf): bootstrap and operators have them; a service runs without and only looks schemas up. */
  SCHEMA_REGISTRY_USER: z.string().min(1).optional(),
  SCHEMA_REGISTRY_PASSWORD: z.string().min(1).optional(),
};

/** The registry writer's credentials from SCHEMA_REGISTRY_USER and SCHEMA_REGISTRY_PASSWORD; throws a ConfigError when only one is set. */
export function registryAuthOf(raw: { SCHEMA_REGISTRY_USER?: string | undefined; SCHEMA_REGISTRY_PASSWORD?: string | undefined }): { username: string; password: string } | undefined {
  const { SCHEMA_REGISTRY_USER: username, SCHEMA_REGISTRY_PASSWORD: password } = raw;
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined || password === undefined) {
    throw new ConfigError([`SCHEMA_REGISTRY_USER and SCHEMA_REGISTRY_PASSWORD go together: set both or neither (only ${username === undefined ? 'the password' : 'the user'} is set)`]);
  }
  return { username, password };
}

/** Where a service's infrastructure is, from the validated infraShape settings (with DATABASE_URL made required by the service). */
export function serviceInfra(raw: { KAFKA_BROKERS: string[]; KAFKA_SASL_USERNAME?: string | undefined; KAFKA_SASL_PASSWORD?: string | undefined; KAFKA_TLS_CA_FILE?: string | undefined; SCHEMA_REGISTRY_URL: string; DATABASE_URL: string; TOPIC_PREFIX: string; LOG_LEVEL: string; METRICS_HOST: string; SCHEMA_REGISTRY_USER?: string | undefined; SCHEMA_REGISTRY_PASSWORD?: string | undefined }) {
  const registryAuth = registryAuthOf(raw);
  return {
    brokers: raw.KAFKA_BROKERS, kafkaSecurity: kafkaSecurityOf(raw), registryUrl: raw.SCHEMA_REGISTRY_URL, databaseUrl: raw.DATABASE_URL, topicPrefix: raw.TOPIC_PREFIX, logLevel: raw.LOG_LEVEL, metricsHost: raw.METRICS_HOST,
    ...(registryAuth ? { registryAuth } : {}),
  };
}

/**
 * The Kafka login and TLS of validated KAFKA_SASL_* / KAFKA_TLS_CA_FILE settings (the shape of
 * libs/kafka's KafkaSecurity). A user name without a password (or the other way round), or a CA
 * file that cannot be read, is a ConfigError naming the setting.
 */
export function kafkaSecurityOf(raw: { KAFKA_SASL_USERNAME?: string | undefined; KAFKA_SASL_PASSWORD?: string | undefined; KAFKA_TLS_CA_FILE?: string | undefined }): { sasl?: { username: string; password: string }; tls?: { caPem: string; caFile: string } } {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password, KAFKA_TLS_CA_FILE: caFile } = raw;
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError([`${username === undefined ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD'}: required with ${username === undefined ? 'KAFKA_SASL_PASSWORD' : 'KAFKA_SASL_USERNAME'} (the service's Kafka principal: set both, or neither for a broker without authentication)`]);
  }
  let caPem: string | undefined;
  if (caFile !== undefined) {
    try {
      caPem = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new ConfigError([`KAFKA_TLS_CA_FILE: cannot read ${caFile} (${(err as Error).message}). Point it at the PEM file of the CA that signed the brokers' certificates`]);
    }
    if (!caPem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError([`KAFKA_TLS_CA_FILE: ${caFile} holds no PEM certificate`]);
  }
  return { ...(username && password ? { sasl: { username, password } } : {}), ...(caPem && caFile ? { tls: { caPem, caFile } } : {}) };
}

export const infraHints = {
  METRICS_HOST: 'The address /metrics and /health listen on: 127.0.0.1 (default) or 0.0.0.0 in a container',
  KAFKA_BROKERS: 'Point it at a running broker, or run `npx inplay up --infra-only`',
  KAFKA_SASL_USERNAME: "The service's Kafka principal; `npx inplay up` sets it, a deployment takes it from a Secret",
  SCHEMA_REGISTRY_URL: 'Point it at a Confluent-compatible registry, or run `npx inplay up --infra-only`',
  DATABASE_URL: 'Leave it unset to use the embedded Postgres started by `npx inplay up`',
  SCHEMA_REGISTRY_USER: 'Only for whoever registers schemas (bootstrap, operators): the registry\'s SCHEMA_REGISTRY_WRITE_USER; a service needs none',
  SCHEMA_REGISTRY_PASSWORD: 'Only with SCHEMA_REGISTRY_USER: the registry\'s SCHEMA_REGISTRY_WRITE_PASSWORD',
};
export { loadFairnessSettings } from './fairness';
