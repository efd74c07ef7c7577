// The bootstrap every mode shares, and the only part of libs/infra a
// production image needs: topics (replication from the cluster found, or
// given), migrations and schemas. Idempotent. It imports no process or
// container machinery, so the image's bootstrap bundle stays small.
import { createKafka, createSerde, ensureTopics, waitForGroupCoordinator, type RegistryAuth, type Replication } from '@inplay/kafka';
import { migrate } from '@inplay/db';

export interface BootstrapTargets {
  kafkaBrokers: string[];
  databaseUrl: string;
  schemaRegistryUrl: string;
  /** Basic credentials the registry takes writes with (bootstrap registers the schemas); none for a registry open to anonymous writes. */
  registryAuth?: RegistryAuth;
}

export interface BootstrapResult {
  topicsCreated: string[];
  migrationsApplied: string[];
  schemasRegistered: number;
}

export async function bootstrapInfra(t: BootstrapTargets, o: { topicPrefix?: string; replication?: Replication } = {}): Promise<BootstrapResult> {
  const kafka = createKafka({ brokers: t.kafkaBrokers, clientId: 'inplay-bootstrap' });
  const admin = kafka.admin();
  await admin.connect();
  let topicsCreated: string[];
  try {
    topicsCreated = await ensureTopics(admin, o.topicPrefix ?? '', o.replication);
  } finally {
    await admin.disconnect();
  }
  await waitForGroupCoordinator(kafka);
  const migrationsApplied = await migrate(t.databaseUrl);
  const subjects = await createSerde(t.schemaRegistryUrl, o.topicPrefix ?? '', t.registryAuth).registerAll();
  return { topicsCreated, migrationsApplied, schemasRegistered: subjects.size };
}
