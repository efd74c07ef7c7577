// The production image's bootstrap (`node dist/bootstrap.mjs`, the Helm
// chart's pre-install job): topics, migrations and schemas against
// KAFKA_BROKERS, DATABASE_URL and SCHEMA_REGISTRY_URL, then exit 0. Kafka or
// Postgres still starting is normal in a cluster: it retries for
// BOOTSTRAP_WAIT_MS before it gives up (exit 1, the job's backoff takes over).
// It registers the schemas as the registry's writer: SCHEMA_REGISTRY_USER and
// SCHEMA_REGISTRY_PASSWORD (the registry's SCHEMA_REGISTRY_WRITE_*).
// BOOTSTRAP_DEMO_USERS (comma-separated ids, for demos such as the compose
// file's services profile) also creates those users with starting cash.
import { infraHints, infraShape, loadConfig, positiveInt, postgresUrl, registryAuthOf, z, kafkaSecurityOf } from '@inplay/config';
import { bootstrapInfra } from '@inplay/infra/bootstrap';
import { createLogger } from '@inplay/telemetry';
import { createUser } from '@inplay/settlement';

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
}, process.env, {
  ...infraHints,
  KAFKA_REPLICATION_FACTOR: 'replicas per topic partition; default: from the cluster (3 from three brokers up)',
  KAFKA_MIN_INSYNC_REPLICAS: 'in-sync replicas an acks=all write needs; default 2 with 3 replicas, else 1',
});
const registryAuth = registryAuthOf(settings);
const logger = createLogger('bootstrap', settings.LOG_LEVEL);
const factor = settings.KAFKA_REPLICATION_FACTOR;
const replication = factor === undefined ? undefined : { factor, minInsyncReplicas: settings.KAFKA_MIN_INSYNC_REPLICAS ?? (factor >= 3 ? 2 : 1) };
const deadline = Date.now() + settings.BOOTSTRAP_WAIT_MS;
for (let attempt = 1; ; attempt++) {
  try {
    const r = await bootstrapInfra(
      { kafkaBrokers: settings.KAFKA_BROKERS, kafkaSecurity: kafkaSecurityOf(settings), databaseUrl: settings.DATABASE_URL, schemaRegistryUrl: settings.SCHEMA_REGISTRY_URL, ...(registryAuth ? { registryAuth } : {}) },
      { topicPrefix: settings.TOPIC_PREFIX, ...(replication ? { replication } : {}) },
    );
    const demoUsers = settings.BOOTSTRAP_DEMO_USERS ? settings.BOOTSTRAP_DEMO_USERS.split(',') : [];
    for (const userId of demoUsers) {
      const created = await createUser(settings.DATABASE_URL, { userId, displayName: userId, cashCents: settings.BOOTSTRAP_DEMO_CASH_CENTS });
      if (!created.ok) throw new Error(`demo user ${userId}: ${created.message}`);
    }
    logger.info({ topics: r.topicsCreated.length, aclBindings: r.aclBindings, demoUsers: demoUsers.length, migrations: r.migrationsApplied.length, schemas: r.schemasRegistered }, 'bootstrap done');
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
