// The infrastructure of one inplay run: Kafka, Postgres and the schema
// registry, started locally (default), taken from the environment
// (external), or started in containers (testcontainers, for machines with a
// container engine). Then the bootstrap: topics, migrations, schemas.
import { join } from 'node:path';
import { chmodSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { probeKafka, type KafkaSecurity, type Replication } from '@inplay/kafka';
import { probePostgres, redact } from '@inplay/db';
import { bootstrapInfra } from './bootstrap';
import { DEFAULT_PORTS } from '@inplay/config';
import { ensureKafkaJars, startLocalKafka, KAFKA_VERSION } from './kafka-local';
import { startLocalPostgres } from './postgres-local';
import { startLocalRegistry, probeRegistry } from './registry-local';
import { progress as makeProgress } from './progress';
import { assertPortFree } from './ports';
import { kafkaSecurityFor, stackCredentials, type InfraCredentials } from './credentials';
import { devBrokerTls } from './tls';
import { ADMIN_PRINCIPAL } from '@inplay/kafka';

export type InfraMode = 'local' | 'external' | 'containers';
/** Brokers of the container cluster: three, so a topic keeps 3 replicas and 2 in sync through the loss of one. Its host ports are the Kafka port and the next two. */
export const CONTAINER_BROKERS = 3;

export interface Endpoints {
  kafkaBrokers: string[];
  databaseUrl: string;
  /** Maintenance database URL when we own the server (tests create databases per file). */
  adminDatabaseUrl?: string;
  schemaRegistryUrl: string;
  /** The stack's credentials (Kafka principals, registry writer, Postgres roles) when inplay made them; none for external infrastructure. */
  credentials?: InfraCredentials;
  /** The operator's Kafka login (the `admin` principal of a stack inplay made; KAFKA_SASL_* for external infrastructure): what bootstrap, the CLI's tools and tests connect with. */
  kafkaSecurity?: KafkaSecurity;
}

export interface ComponentInfo {
  /** kafka (one address per broker when a cluster runs: kafka-1, kafka-2, ...), postgres, schema-registry. */
  name: string;
  address: string;
  version: string;
  pid?: number;
}

export interface RunningInfra extends Endpoints {
  mode: InfraMode;
  components: ComponentInfo[];
  stop(): Promise<void>;
}

export interface InfraOptions {
  mode: InfraMode;
  cacheDir: string;
  stateDir: string;
  ports?: Partial<{ kafka: number; kafkaController: number; postgres: number; registry: number }>;
  /** For mode external: where everything is, and the operator's registry credentials to register the schemas with. */
  external?: Partial<Endpoints> & { registryAuth?: { username: string; password: string } };
  kafkaVersion?: string;
  kafkaHeapMb?: number;
  /** TLS on the local broker's client listener (SASL_SSL) with a development CA made in the state dir; SASL over plaintext when false. */
  kafkaTls?: boolean;
  quiet?: boolean;
  /** Topic/subject prefix to bootstrap (tests use their own). */
  topicPrefix?: string;
  /** Topic replication; default: from the cluster found (3 copies, 2 in sync, from three brokers up). */
  replication?: Replication;
}

export async function startInfra(o: InfraOptions): Promise<RunningInfra> {
  if (o.mode === 'external') return useExternal(o);
  if (o.mode === 'containers') {
    const { startContainers } = await import('./containers');
    return bootstrap(await startContainers(o), o);
  }
  return bootstrap(await startLocal(o), o);
}

async function startLocal(o: InfraOptions): Promise<RunningInfra> {
  const ports = { ...DEFAULT_PORTS, ...o.ports };
  const version = o.kafkaVersion ?? KAFKA_VERSION;
  const runDir = join(o.stateDir, 'run');
  mkdirSync(runDir, { recursive: true });
  const credentials = stackCredentials(o.stateDir);
  const tls = o.kafkaTls ? devBrokerTls(join(o.stateDir, 'tls')) : undefined;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  // Every port is checked before anything starts, so a clash leaves nothing half-running.
  await assertPortFree(ports.kafka, 'INPLAY_KAFKA_PORT');
  await assertPortFree(ports.kafkaController, 'INPLAY_KAFKA_CONTROLLER_PORT');
  await assertPortFree(ports.registry, 'INPLAY_REGISTRY_PORT');
  if (!o.external?.databaseUrl) await assertPortFree(ports.postgres, 'INPLAY_POSTGRES_PORT');
  try {
    // Postgres first: a wrong DATABASE_URL fails in seconds, before any download starts.
    const pg = await startPostgres(o, ports.postgres);
    stops.push(pg.stop);
    const home = await ensureKafkaJars(o.cacheDir, version, makeProgress(`Kafka ${version} jars`, process.stderr, o.quiet));
    const startProgress = makeProgress('Kafka broker (KRaft) and schema registry', process.stderr, o.quiet);
    // The broker and the registry do not depend on each other: start both at once.
    const [kafkaResult, registryResult] = await Promise.allSettled([
      startLocalKafka({
        home, version, dataDir: join(o.stateDir, 'kafka'), port: ports.kafka, controllerPort: ports.kafkaController,
        pidFile: join(runDir, 'kafka.pid'), ...(o.kafkaHeapMb ? { heapMb: o.kafkaHeapMb } : {}), users: credentials.kafka,
        ...(tls ? { tls } : {}),
      }),
      startLocalRegistry({
        cacheDir: o.cacheDir, stateDir: o.stateDir, port: ports.registry, kafkaBrokers: [`127.0.0.1:${ports.kafka}`],
        databaseUrl: pg.url, ...(pg.adminUrl ? { adminDatabaseUrl: pg.adminUrl } : {}), postgresPassword: credentials.postgres['schema-registry'],
        pidFile: join(runDir, 'registry.pid'),
        writer: credentials.registry,
      }),
    ]);
    if (kafkaResult.status === 'fulfilled') stops.push(kafkaResult.value.stop);
    if (registryResult.status === 'fulfilled') stops.push(registryResult.value.stop);
    if (kafkaResult.status === 'rejected') throw kafkaResult.reason;
    if (registryResult.status === 'rejected') throw registryResult.reason;
    const kafka = kafkaResult.value;
    const registry = registryResult.value;
    startProgress.done(`Kafka ${version} on ${kafka.brokers.join(',')}, ${registry.version} on ${registry.url}`);
    return {
      mode: 'local',
      kafkaBrokers: kafka.brokers,
      databaseUrl: pg.url,
      ...(pg.adminUrl ? { adminDatabaseUrl: pg.adminUrl } : {}),
      schemaRegistryUrl: registry.url,
      credentials,
      kafkaSecurity: { ...kafkaSecurityFor({ credentials }, ADMIN_PRINCIPAL), ...(tls ? { tls: { caPem: tls.caPem, caFile: tls.caFile } } : {}) },
      components: [
        { name: 'kafka', address: kafka.brokers.join(','), version, ...(kafka.pid ? { pid: kafka.pid } : {}) },
        { name: 'postgres', address: pg.address, version: pg.version },
        { name: 'schema-registry', address: registry.url, version: registry.version, ...(registry.pid ? { pid: registry.pid } : {}) },
      ],
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Embedded Postgres, unless DATABASE_URL names one to use instead. */
async function startPostgres(o: InfraOptions, port: number): Promise<{ url: string; adminUrl?: string; address: string; version: string; stop(): Promise<void> }> {
  const p = makeProgress('Postgres', process.stderr, o.quiet);
  const given = o.external?.databaseUrl;
  if (given) {
    const version = await probePostgres(given).catch((err: Error) => {
      throw new Error(`DATABASE_URL: ${err.message}. Fix the URL, or unset DATABASE_URL to use the embedded Postgres.`);
    });
    p.done(`${version} at ${redact(given)} (DATABASE_URL)`);
    return { url: given, address: redact(given), version, stop: async () => undefined };
  }
  const pg = await startLocalPostgres({ stateDir: o.stateDir, port });
  p.done(`${pg.version} (embedded) on 127.0.0.1:${port}`);
  return { url: pg.url, adminUrl: pg.adminUrl, address: `127.0.0.1:${port}`, version: pg.version, stop: pg.stop };
}

async function useExternal(o: InfraOptions): Promise<RunningInfra> {
  const e = o.external ?? {};
  const missing = (['kafkaBrokers', 'databaseUrl', 'schemaRegistryUrl'] as const).filter((k) => !e[k] || (Array.isArray(e[k]) && e[k].length === 0));
  if (missing.length) {
    const names = { kafkaBrokers: 'KAFKA_BROKERS', databaseUrl: 'DATABASE_URL', schemaRegistryUrl: 'SCHEMA_REGISTRY_URL' };
    throw new Error(`--infra=external needs ${missing.map((m) => names[m]).join(', ')} set in the environment.`);
  }
  const endpoints = e as Endpoints;
  const [kafka, pgVersion, registry] = await Promise.all([
    probeKafka(endpoints.kafkaBrokers, undefined, endpoints.kafkaSecurity).catch((err: Error) => { throw new Error(`KAFKA_BROKERS: ${err.message}`); }),
    probePostgres(endpoints.databaseUrl).catch((err: Error) => { throw new Error(`DATABASE_URL: ${err.message}`); }),
    probeRegistry(endpoints.schemaRegistryUrl).catch((err: Error) => { throw new Error(`SCHEMA_REGISTRY_URL: ${err.message}`); }),
  ]);
  return bootstrap({
    mode: 'external',
    ...endpoints,
    components: [
      { name: 'kafka', address: endpoints.kafkaBrokers.join(','), version: `cluster ${kafka.clusterId}` },
      { name: 'postgres', address: redact(endpoints.databaseUrl), version: pgVersion },
      { name: 'schema-registry', address: endpoints.schemaRegistryUrl, version: registry },
    ],
    stop: async () => undefined,
  }, o);
}

/** Topics, migrations and schemas: the same for every mode, idempotent. */
async function bootstrap(infra: RunningInfra, o: InfraOptions): Promise<RunningInfra> {
  try {
    const p = makeProgress('Bootstrap (topics, migrations, schemas)', process.stderr, o.quiet);
    // External infrastructure has no credentials of ours: the operator's SCHEMA_REGISTRY_USER/PASSWORD come in o.external.
    const registryAuth = infra.credentials?.registry ?? o.external?.registryAuth;
    const r = await bootstrapInfra({ ...infra, ...(registryAuth ? { registryAuth } : {}) }, { ...(o.topicPrefix ? { topicPrefix: o.topicPrefix } : {}), ...(o.replication ? { replication: o.replication } : {}) });
    p.done(`${r.topicsCreated.length} topics created, ${r.aclBindings} ACL bindings, ${r.migrationsApplied.length} migrations applied, ${r.schemasRegistered} schemas registered`);
    return infra;
  } catch (err) {
    await infra.stop();
    throw err;
  }
}

/** What `inplay up` leaves behind for `inplay status` and `inplay down` (and the test harness). */
export interface StackState extends Endpoints {
  upPid: number;
  startedAt: string;
  mode: InfraMode;
  components: ComponentInfo[];
  services: ServiceState[];
  webUrl?: string;
}

/** A service as `inplay up` last saw it; `exited` is set when it ended while the stack was up (and cleared when it was restarted). */
export interface ServiceState {
  name: string;
  /** Of its current process (a new one after each restart). */
  pid?: number;
  address: string;
  healthUrl?: string;
  /** Where Prometheus text is served when it is not on the address (the gateway's internal port). */
  metricsUrl?: string;
  logFile?: string;
  exited?: { how: string; at: string };
  /** Restarts by `inplay up`'s supervisor: how many, when the last one was, and how the process before it ended. */
  restarts?: { count: number; lastAt: string; lastExit: string };
  /** It kept dying: `restarts` restarts within `withinMs`, so it was left down at `at`. */
  crashLoop?: { restarts: number; withinMs: number; at: string };
}

export function stackStateFile(stateDir: string): string {
  return join(stateDir, 'run', 'stack.json');
}

export function writeStackState(stateDir: string, state: StackState): void {
  mkdirSync(join(stateDir, 'run'), { recursive: true });
  // It holds the stack's credentials: readable by its owner only.
  writeFileSync(stackStateFile(stateDir), JSON.stringify(state, null, 2), { mode: 0o600 });
  chmodSync(stackStateFile(stateDir), 0o600);
}

export function readStackState(stateDir: string): StackState | null {
  const file = stackStateFile(stateDir);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackState;
  } catch {
    return null;
  }
}

export function clearStackState(stateDir: string): void {
  rmSync(stackStateFile(stateDir), { force: true });
}
