// The same three components in containers (testcontainers), for machines with
// a container engine and no Java. Not the default here: this machine has no
// Docker engine, so the local-process path is what CI runs.
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { createDatabase } from '@inplay/db';
import type { InfraOptions, RunningInfra } from './stack';
import { KAFKA_VERSION } from './kafka-local';
import { startLocalRegistry } from './registry-local';

const KAFKA_PORT = 9092;
const PG_PORT = 5432;

export async function startContainers(o: InfraOptions): Promise<RunningInfra> {
  const started: StartedTestContainer[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const pg = await new GenericContainer('postgres:17')
      .withEnvironment({ POSTGRES_USER: 'inplay', POSTGRES_PASSWORD: 'inplay', POSTGRES_DB: 'inplay' })
      .withExposedPorts(PG_PORT)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    started.push(pg);
    stops.push(async () => { await pg.stop(); });
    const pgBase = `postgres://inplay:inplay@${pg.getHost()}:${pg.getMappedPort(PG_PORT)}`;

    // A fixed host port keeps the advertised listener simple: the broker tells clients where it is.
    const kafkaHostPort = o.ports?.kafka ?? 19092;
    const kafka = await new GenericContainer(`apache/kafka:${KAFKA_VERSION}`)
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${KAFKA_PORT},CONTROLLER://0.0.0.0:9093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaHostPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_HEAP_OPTS: `-Xmx${o.kafkaHeapMb ?? 512}m`,
      })
      .withExposedPorts({ container: KAFKA_PORT, host: kafkaHostPort })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start();
    started.push(kafka);
    stops.push(async () => { await kafka.stop(); });

    // Our registry is a Node process; it runs beside the containers against the containerised Postgres.
    const registry = await startLocalRegistry({
      cacheDir: o.cacheDir, stateDir: o.stateDir, port: o.ports?.registry ?? 18081,
      kafkaBrokers: [`127.0.0.1:${kafkaHostPort}`], databaseUrl: `${pgBase}/inplay`, adminDatabaseUrl: `${pgBase}/postgres`,
    });
    stops.push(registry.stop);
    const databaseUrl = await createDatabase(`${pgBase}/postgres`, 'inplay');
    return {
      mode: 'containers',
      kafkaBrokers: [`127.0.0.1:${kafkaHostPort}`],
      databaseUrl,
      adminDatabaseUrl: `${pgBase}/postgres`,
      schemaRegistryUrl: registry.url,
      components: [
        { name: 'kafka', address: `127.0.0.1:${kafkaHostPort}`, version: KAFKA_VERSION },
        { name: 'postgres', address: `${pg.getHost()}:${pg.getMappedPort(PG_PORT)}`, version: '17 (container)' },
        { name: 'schema-registry', address: registry.url, version: registry.version },
      ],
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw new Error(`INPLAY_INFRA=containers: ${(err as Error).message}. This needs a running Docker (or compatible) engine.`);
  }
}
