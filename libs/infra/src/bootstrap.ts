// The bootstrap every mode shares, and the only part of libs/infra a
// production image needs: topics (replication from the cluster found, or
// given), migrations and schemas. Idempotent. It imports no process or
// container machinery, so the image's bootstrap bundle stays small.
import { createKafka, createSerde, ensureServiceAcls, ensureTopics, waitForGroupCoordinator, type KafkaSecurity, type RegistryAuth, type Replication } from '@inplay/kafka';
import { ensureServiceLogins, migrate, type DbService } from '@inplay/db';
import { POSTGRES_ROLES, type InfraCredentials } from './credentials';

export interface BootstrapTargets {
  kafkaBrokers: string[];
  /** The operator's (admin) Kafka login: topics and ACLs need the super user. Empty for a broker without authentication (no ACLs written then). */
  kafkaSecurity?: KafkaSecurity | undefined;
  databaseUrl: string;
  schemaRegistryUrl: string;
  /** Basic credentials the registry takes writes with (bootstrap registers the schemas); none for a registry open to anonymous writes. */
  registryAuth?: RegistryAuth;
  /** The stack's credentials: with them, each service's Postgres role becomes a login with its password (after migrations). */
  credentials?: InfraCredentials;
}

export interface BootstrapResult {
  topicsCreated: string[];
  /** ACL bindings written (the policy of libs/kafka acls.ts); 0 on a broker without authentication. */
  aclBindings: number;
  migrationsApplied: string[];
  schemasRegistered: number;
}

export async function bootstrapInfra(t: BootstrapTargets, o: { topicPrefix?: string; replication?: Replication } = {}): Promise<BootstrapResult> {
  const kafka = createKafka({ brokers: t.kafkaBrokers, ...t.kafkaSecurity, clientId: 'inplay-bootstrap' });
  const admin = kafka.admin();
  await admin.connect();
  let topicsCreated: string[];
  let aclBindings = 0;
  try {
    topicsCreated = await ensureTopics(admin, o.topicPrefix ?? '', o.replication);
    // ACLs mean something only where clients authenticate; a broker without SASL has no authorizer to take them.
    if (t.kafkaSecurity?.sasl) aclBindings = await ensureServiceAcls(admin, o.topicPrefix ?? '');
  } finally {
    await admin.disconnect();
  }
  await waitForGroupCoordinator(kafka);
  const migrationsApplied = await migrate(t.databaseUrl);
  if (t.credentials) await ensureServiceLogins(t.databaseUrl, servicePasswords(t.credentials));
  const subjects = await createSerde(t.schemaRegistryUrl, o.topicPrefix ?? '', t.registryAuth).registerAll();
  return { topicsCreated, aclBindings, migrationsApplied, schemasRegistered: subjects.size };
}

/** The Postgres passwords by service; a stack role libs/db has no role for is a compile error here (role: DbService). */
function servicePasswords(credentials: InfraCredentials): Partial<Record<DbService, string>> {
  return Object.fromEntries(POSTGRES_ROLES.map((role: DbService) => [role, credentials.postgres[role]]));
}
