// The production image's bootstrap (`node dist/bootstrap.mjs`, the Helm
// chart's pre-install job): topics, migrations and schemas against
// KAFKA_BROKERS, DATABASE_URL and SCHEMA_REGISTRY_URL, then exit 0. Kafka or
// Postgres still starting is normal in a cluster: it retries for
// BOOTSTRAP_WAIT_MS before it gives up (exit 1, the job's backoff takes over).
// It registers the schemas as the registry's writer: SCHEMA_REGISTRY_USER and
// SCHEMA_REGISTRY_PASSWORD (the registry's SCHEMA_REGISTRY_WRITE_*).
// BOOTSTRAP_DEMO_USERS (comma-separated ids, for demos such as the compose
// file's services profile) also creates those users with starting cash.
// <SERVICE>_DATABASE_URL (GATEWAY_, SETTLEMENT_, PRICING_, FEED_INGEST_,
// LEADERBOARD_), the URL each service connects with: its role becomes a login
// with that URL's password (docs/security.md); unset, the role is left as it is.
import { infraHints, infraShape, loadConfig, positiveInt, postgresUrl, registryAuthOf, z, kafkaSecurityOf } from '@inplay/config';
import { ensureServiceLogins, SERVICE_DB_ROLES, type DbService } from '@inplay/db';
import { bootstrapInfra } from '@inplay/infra/bootstrap';
import { createLogger } from '@inplay/telemetry';
import { createUser } from '@inplay/settlement';

/** The services whose Postgres login the bootstrap sets from their URL (the registry's is its own deployment's business). */
const SERVICES_WITH_URLS = ['gateway', 'settlement', 'pricing', 'feed-ingest', 'leaderboard'] as const;

/** How long the bootstrap keeps trying while the infrastructure comes up. */
export const DEFAULT_BOOTSTRAP_WAIT_MS = 180_000;
const RETRY_PAUSE_MS = 2_000;

const settings = loadConfig({
  ...infraShape,
  DATABASE_URL: postgresUrl,
  KAFKA_REPLICATION_FACTOR: positiveInt.optional(),
  KAFKA_MIN_INSYNC_REPLICAS: positiveInt.optional(),
  BOOTSTRAP_WAIT_MS: z.coerce.number().int().min(0).default(DEFAULT_BOOTSTRAP_WAIT_MS),
  BOOTSTRAP_DEMO_USERS: z.string().regex(/^([A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64})*)?$/, 'expected user ids separated by commas, e.g. fan-1,fan-2').default(''),
  BOOTSTRAP_DEMO_CASH_CENTS: z.coerce.number().int().min(0).max(100_000_000).default(100_000),
  ...serviceUrlShape(),
}, process.env, {
  ...infraHints,
  KAFKA_REPLICATION_FACTOR: 'replicas per topic partition; default: from the cluster (3 from three brokers up)',
  KAFKA_MIN_INSYNC_REPLICAS: 'in-sync replicas an acks=all write needs; default 2 with 3 replicas, else 1',
});
const registryAuth = registryAuthOf(settings);
const logger = createLogger('bootstrap', settings.LOG_LEVEL);
const servicePasswords = servicePasswordsOf(settings);
const factor = settings.KAFKA_REPLICATION_FACTOR;
const replication = factor === undefined ? undefined : { factor, minInsyncReplicas: settings.KAFKA_MIN_INSYNC_REPLICAS ?? (factor >= 3 ? 2 : 1) };
const deadline = Date.now() + settings.BOOTSTRAP_WAIT_MS;
for (let attempt = 1; ; attempt++) {
  try {
    const r = await bootstrapInfra(
      { kafkaBrokers: settings.KAFKA_BROKERS, kafkaSecurity: kafkaSecurityOf(settings), databaseUrl: settings.DATABASE_URL, schemaRegistryUrl: settings.SCHEMA_REGISTRY_URL, ...(registryAuth ? { registryAuth } : {}) },
      { topicPrefix: settings.TOPIC_PREFIX, ...(replication ? { replication } : {}) },
    );
    await ensureServiceLogins(settings.DATABASE_URL, servicePasswords);
    const demoUsers = settings.BOOTSTRAP_DEMO_USERS ? settings.BOOTSTRAP_DEMO_USERS.split(',') : [];
    for (const userId of demoUsers) {
      const created = await createUser(settings.DATABASE_URL, { userId, displayName: userId, cashCents: settings.BOOTSTRAP_DEMO_CASH_CENTS });
      if (!created.ok) throw new Error(`demo user ${userId}: ${created.message}`);
    }
    logger.info({ serviceLogins: Object.keys(servicePasswords), topics: r.topicsCreated.length, aclBindings: r.aclBindings, demoUsers: demoUsers.length, migrations: r.migrationsApplied.length, schemas: r.schemasRegistered }, 'bootstrap done');
    process.exit(0);
  } catch (err) {
    if (Date.now() + RETRY_PAUSE_MS > deadline) {
      logger.fatal({ err: (err as Error).message, attempt }, 'bootstrap failed');
      process.exit(1);
    }
    logger.warn({ err: (err as Error).message, attempt }, 'infrastructure not ready; retrying');
    await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
  }
}

/** GATEWAY_DATABASE_URL, ...: the variable naming the URL a service connects with. */
function serviceUrlVariable(service: Exclude<DbService, 'schema-registry'>): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`;
}

function serviceUrlShape(): Record<string, z.ZodOptional<typeof postgresUrl>> {
  return Object.fromEntries(SERVICES_WITH_URLS.map((service) => [serviceUrlVariable(service), postgresUrl.optional()]));
}

/** Each given service URL's password, by service; a URL whose user is not the service's role is a mistake worth stopping for. */
function servicePasswordsOf(env: Record<string, unknown>): Partial<Record<DbService, string>> {
  const passwords: Partial<Record<DbService, string>> = {};
  for (const service of SERVICES_WITH_URLS) {
    const given = env[serviceUrlVariable(service)];
    if (typeof given !== 'string') continue;
    const url = new URL(given);
    const role = SERVICE_DB_ROLES[service];
    if (decodeURIComponent(url.username) !== role) throw new Error(`${serviceUrlVariable(service)} must log in as ${role}, not ${decodeURIComponent(url.username) || 'nobody'}`);
    if (!url.password) throw new Error(`${serviceUrlVariable(service)} has no password`);
    passwords[service] = decodeURIComponent(url.password);
  }
  return passwords;
}
