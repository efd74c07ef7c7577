// The infrastructure in containers (testcontainers), from the images of
// deploy/docker (built here when missing, `inplay images build`): a 3-broker
// KRaft cluster (every broker also a controller; topics get 3 replicas, 2 in
// sync; SASL/SCRAM with ACLs, every principal of the stack's credentials a
// user), Postgres, and the schema registry from the service image. Brokers
// and registry talk over a network of their own; the host reaches each broker
// on a fixed loopback port (its advertised listener). Every container carries
// the label org.inplay.state-dir, so `inplay down` can remove what a crashed
// `up` left behind (Ryuk, testcontainers' reaper, cannot run here).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { createDatabase, prepareRegistryStore } from '@inplay/db';
import { ADMIN_PRINCIPAL, probeKafka } from '@inplay/kafka';
import { CONTAINER_BROKERS, type ComponentInfo, type InfraOptions, type RunningInfra } from './stack';
import { buildImages, ensureDockerEngine, imageRef, missingImages } from './images';
import { KAFKA_VERSION } from './kafka-local';
import { kafkaSecurityFor, stackCredentials, type InfraCredentials } from './credentials';
import { assertPortFree } from './ports';
import { progress as makeProgress } from './progress';
import { GiveUp, waitUntil } from './process';

export { CONTAINER_BROKERS };
export const STATE_DIR_LABEL = 'org.inplay.state-dir';
const KAFKA_EXTERNAL_PORT = 9092;
const KAFKA_INTERNAL_PORT = 29092;
const KAFKA_CONTROLLER_PORT = 9093;
const PG_PORT = 5432;
const REGISTRY_PORT = 8081;
/** How long the cluster may take until every broker is in the metadata. */
export const CLUSTER_READY_TIMEOUT_MS = 120_000;
const PG_PASSWORD = 'inplay';

/**
 * testcontainers on a machine like ours: Ryuk, its reaper, is an image no registry serves here (we
 * remove our containers by label instead), and a `/.dockerenv` makes it look for containers on the
 * bridge gateway rather than on the published loopback ports. Set only when the caller has not, and
 * the host override only for a local engine.
 */
function useLocalEngineDefaults(): void {
  process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  const dockerHost = process.env['DOCKER_HOST'];
  if (!dockerHost || dockerHost.startsWith('unix://')) process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= 'localhost';
}

/** The host ports of the brokers: the Kafka port and the next ones. */
export function brokerHostPorts(kafkaPort: number): number[] {
  return Array.from({ length: CONTAINER_BROKERS }, (_, i) => kafkaPort + i);
}

/** The image's KAFKA_SCRAM_USERS: every principal's SCRAM user, made when the broker's storage is formatted. */
export function scramUsersEnv(credentials: InfraCredentials): string {
  return Object.entries(credentials.kafka).map(([name, password]) => `${name}=${password}`).join(',');
}

/**
 * A broker of the cluster, secured as the local one (kafka-local.ts): SASL/SCRAM on INTERNAL (the
 * other containers, and inter-broker as admin) and EXTERNAL (the host), SASL/PLAIN with admin only
 * on CONTROLLER; the StandardAuthorizer with admin the super user (the image derives these from the users).
 */
function brokerEnv(id: number, hostPort: number, clusterId: string, heapMb: number, credentials: InfraCredentials): Record<string, string> {
  const voters = Array.from({ length: CONTAINER_BROKERS }, (_, i) => `${i + 1}@kafka-${i + 1}:${KAFKA_CONTROLLER_PORT}`).join(',');
  return {
    KAFKA_CLUSTER_ID: clusterId,
    KAFKA_NODE_ID: String(id),
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
    KAFKA_LISTENERS: `INTERNAL://0.0.0.0:${KAFKA_INTERNAL_PORT},EXTERNAL://0.0.0.0:${KAFKA_EXTERNAL_PORT},CONTROLLER://0.0.0.0:${KAFKA_CONTROLLER_PORT}`,
    KAFKA_ADVERTISED_LISTENERS: `INTERNAL://kafka-${id}:${KAFKA_INTERNAL_PORT},EXTERNAL://127.0.0.1:${hostPort}`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    KAFKA_SCRAM_USERS: scramUsersEnv(credentials),
    KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_DEFAULT_REPLICATION_FACTOR: String(CONTAINER_BROKERS),
    KAFKA_MIN_INSYNC_REPLICAS: '2',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: String(CONTAINER_BROKERS),
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '3',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: String(CONTAINER_BROKERS),
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
    KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '3',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: String(CONTAINER_BROKERS),
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '2',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    KAFKA_NUM_NETWORK_THREADS: '2',
    KAFKA_NUM_IO_THREADS: '2',
    KAFKA_LOG_SEGMENT_BYTES: '16777216',
    KAFKA_HEAP_OPTS: `-Xms128m -Xmx${heapMb}m`,
  };
}

export interface ContainerBroker {
  id: number;
  address: string;
  container: StartedTestContainer;
}

export interface RunningContainers extends RunningInfra {
  brokers: ContainerBroker[];
  network: StartedNetwork;
}

/** Builds what is missing, then starts the cluster, Postgres and the registry; stops what started if anything fails. */
export async function startContainers(o: InfraOptions): Promise<RunningContainers> {
  const logDir = join(o.stateDir, 'logs');
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  useLocalEngineDefaults();
  const credentials = stackCredentials(o.stateDir);
  try {
    await ensureDockerEngine(logDir);
    const kafkaPort = o.ports?.kafka ?? 19092;
    const hostPorts = brokerHostPorts(kafkaPort);
    for (const [i, p] of hostPorts.entries()) await assertPortFree(p, i === 0 ? 'INPLAY_KAFKA_PORT' : `INPLAY_KAFKA_PORT+${i} (broker ${i + 1})`);
    const pgPort = o.ports?.postgres ?? 15432;
    const registryPort = o.ports?.registry ?? 18081;
    await assertPortFree(pgPort, 'INPLAY_POSTGRES_PORT');
    await assertPortFree(registryPort, 'INPLAY_REGISTRY_PORT');
    if ((await missingImages()).length > 0) {
      const p = makeProgress('Container images (inplay images build)', process.stderr, o.quiet);
      const built = await buildImages({ cacheDir: o.cacheDir, logDir, progress: p });
      p.done(built.map((b) => `${b.ref} ${b.built ? 'built' : 'unchanged'}`).join(', '));
    }
    const labels = { [STATE_DIR_LABEL]: o.stateDir };
    const started = makeProgress(`${CONTAINER_BROKERS} Kafka brokers, Postgres and the schema registry in containers`, process.stderr, o.quiet);
    const network = await new Network().start();
    stops.push(async () => { await network.stop(); });

    const clusterId = randomBytes(16).toString('base64url');
    const heapMb = o.kafkaHeapMb ?? 512;
    const brokerStarts = hostPorts.map((hostPort, i) => new GenericContainer(imageRef('kafka'))
      .withName(`inplay-kafka-${i + 1}-${clusterId.slice(0, 6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`)
      .withNetwork(network).withNetworkAliases(`kafka-${i + 1}`)
      .withEnvironment(brokerEnv(i + 1, hostPort, clusterId, heapMb, credentials))
      .withExposedPorts({ container: KAFKA_EXTERNAL_PORT, host: hostPort })
      .withLabels(labels)
      // A broker's listener opens before the quorum forms: the cluster check below waits for all three.
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(CLUSTER_READY_TIMEOUT_MS)
      .start());
    const pgStart = new GenericContainer(imageRef('postgres'))
      .withNetwork(network).withNetworkAliases('postgres')
      .withEnvironment({ POSTGRES_USER: 'inplay', POSTGRES_PASSWORD: PG_PASSWORD, POSTGRES_DB: 'inplay' })
      .withExposedPorts({ container: PG_PORT, host: pgPort })
      .withLabels(labels)
      .withWaitStrategy(Wait.forHealthCheck())
      .start();
    // The quorum needs its voters at once: start them together, and Postgres beside them.
    const results = await Promise.allSettled([...brokerStarts, pgStart]);
    for (const r of results) if (r.status === 'fulfilled') stops.push(async () => { await r.value.stop({ timeout: 10_000 }); });
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const brokers: ContainerBroker[] = hostPorts.map((hostPort, i) => ({
      id: i + 1, address: `127.0.0.1:${hostPort}`, container: (results[i] as PromiseFulfilledResult<StartedTestContainer>).value,
    }));
    const kafkaBrokers = brokers.map((b) => b.address);
    const kafkaSecurity = kafkaSecurityFor({ credentials }, ADMIN_PRINCIPAL);
    await waitUntil(`${CONTAINER_BROKERS} brokers in the cluster`, async () => {
      const { brokers: seen } = await probeKafka(kafkaBrokers, 3_000, kafkaSecurity);
      if (seen < CONTAINER_BROKERS) throw new Error(`${seen} of ${CONTAINER_BROKERS} brokers registered`);
      return true;
    }, CLUSTER_READY_TIMEOUT_MS, 500).catch((err: Error) => { throw new GiveUp(`the Kafka cluster did not form: ${err.message}`); });

    const pgBase = `postgres://inplay:${PG_PASSWORD}@127.0.0.1:${pgPort}`;
    // The registry connects as its own role, owning only its schema in its own database.
    const registryDb = await prepareRegistryStore(await createDatabase(`${pgBase}/postgres`, 'schema_registry'), credentials.postgres['schema-registry']);
    const registry = await new GenericContainer(imageRef('service'))
      .withNetwork(network).withNetworkAliases('schema-registry')
      .withCommand(['dist/schema-registry.mjs'])
      .withEnvironment({
        PORT: String(REGISTRY_PORT), HOST: '0.0.0.0', DATABASE_URL: registryDb.replace(`127.0.0.1:${pgPort}`, `postgres:${PG_PORT}`), LOG_LEVEL: 'warn',
        SCHEMA_REGISTRY_WRITE_USER: credentials.registry.username, SCHEMA_REGISTRY_WRITE_PASSWORD: credentials.registry.password,
      })
      .withExposedPorts({ container: REGISTRY_PORT, host: registryPort })
      .withLabels(labels)
      .withWaitStrategy(Wait.forHealthCheck())
      .start();
    stops.push(async () => { await registry.stop({ timeout: 10_000 }); });
    const databaseUrl = await createDatabase(`${pgBase}/postgres`, 'inplay');
    started.done(`brokers ${kafkaBrokers.join(', ')}; Postgres 127.0.0.1:${pgPort}; registry http://127.0.0.1:${registryPort}`);
    const components: ComponentInfo[] = [
      ...brokers.map((b) => ({ name: `kafka-${b.id}`, address: b.address, version: `${KAFKA_VERSION} (container ${b.container.getName().replace(/^\//, '')})` })),
      { name: 'postgres', address: `127.0.0.1:${pgPort}`, version: '15 (container)' },
      { name: 'schema-registry', address: `http://127.0.0.1:${registryPort}`, version: 'inplay (container)' },
    ];
    return {
      mode: 'containers', kafkaBrokers, databaseUrl, adminDatabaseUrl: `${pgBase}/postgres`, schemaRegistryUrl: `http://127.0.0.1:${registryPort}`,
      credentials, kafkaSecurity, components, brokers, network, stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw new Error(`--infra=containers: ${(err as Error).message}`);
  }
}

/** Removes every container (and network) labelled with this state dir: what a killed `inplay up` left behind. Returns the names removed. */
export async function removeStackContainers(stateDir: string): Promise<string[]> {
  const { spawnSync } = await import('node:child_process');
  const list = spawnSync('docker', ['ps', '-a', '--filter', `label=${STATE_DIR_LABEL}=${stateDir}`, '--format', '{{.Names}}'], { encoding: 'utf8' });
  if (list.status !== 0) return [];
  const names = list.stdout.split('\n').map((n) => n.trim()).filter(Boolean);
  if (names.length > 0) spawnSync('docker', ['rm', '-f', '-v', ...names], { encoding: 'utf8' });
  spawnSync('docker', ['network', 'prune', '-f', '--filter', 'label=org.testcontainers=true'], { encoding: 'utf8' });
  return names;
}
