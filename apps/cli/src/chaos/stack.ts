// The stack `inplay chaos` breaks: Kafka, Postgres and the registry started
// here (local processes), toxiproxy in front of Kafka and Postgres (the broker
// advertises the proxy, so every client goes through it), and every service
// as its own process, so that any of them can be killed with SIGKILL and
// started again, settlement scaled out and in, a broker or Postgres restarted
// on the same data, and the network between services and Kafka or Postgres
// slowed, throttled, reset or cut. With infra `containers`: the 3-broker
// cluster of `inplay up --infra=containers` instead (one broker can be killed
// and started again), toxiproxy in front of its Postgres only.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { ManagedProcess} from '@inplay/infra';
import {
  ensureKafkaJars, KAFKA_VERSION, startLocalKafka, startLocalPostgres, startLocalRegistry, startToxiproxy,
  bootstrapInfra, freePort, freePortRange, waitUntil, isAlive,
  CONTAINER_BROKERS, stackCredentials, kafkaSecurityFor, type InfraCredentials, type LocalKafka, type LocalPostgres, type LocalRegistry, type RunningInfra, type Toxiproxy,
} from '@inplay/infra';
import type { RunningContainers } from '@inplay/infra/containers';
import { ADMIN_PRINCIPAL, type KafkaSecurity } from '@inplay/kafka';
import { loadSettings } from '../settings';
import { serviceSpecs, launchService, withoutRegistryWriter, type ServiceSpec } from '../services';

/** How long a service may take to answer /health after it starts. */
export const SERVICE_START_TIMEOUT_MS = 90_000;
/** How long the bootstrap (topics, migrations, schemas) may keep trying on a fresh cluster. */
export const BOOTSTRAP_TIMEOUT_MS = 60_000;
/** Services in start order (consumers first, the feed last). */
export const CHAOS_SERVICES = ['pricing', 'settlement', 'leaderboard', 'gateway', 'feed-ingest'] as const;
export type ChaosService = (typeof CHAOS_SERVICES)[number];
export const KAFKA_PROXY = 'kafka';
export const POSTGRES_PROXY = 'postgres';

export interface ChaosStackOptions {
  infra: 'local' | 'containers';
  cacheDir: string;
  stateDir: string;
  demoSpeed: number;
  kafkaHeapMb: number;
  log: (line: string) => void;
  /** Extra environment per service (e.g. LD_PRELOAD for a skewed clock), applied at its next start. */
  extraEnv?: Partial<Record<string, Record<string, string>>>;
}

interface RunningChaosService {
  spec: ServiceSpec;
  process: ManagedProcess;
}

export class ChaosStack {
  private kafka?: LocalKafka;
  private localCredentials?: InfraCredentials;
  private pg?: LocalPostgres;
  private registry?: LocalRegistry;
  private containers?: RunningContainers;
  toxiproxy?: Toxiproxy;
  private readonly services = new Map<string, RunningChaosService>();
  private ports!: { kafka: number; kafkaProxy: number; controller: number; pg: number; pgProxy: number; registry: number; toxiApi: number; gateway: number; feed: number; metricsBase: number };
  private specs = new Map<string, ServiceSpec>();
  private kafkaHome = '';
  /** Environment applied to a service when it (re)starts, by service name. */
  readonly extraEnv: Record<string, Record<string, string>> = {};

  constructor(private readonly o: ChaosStackOptions) {}

  get gatewayUrl(): string { return `http://127.0.0.1:${this.ports.gateway}`; }
  /** What clients use: Kafka and Postgres through their proxies. */
  get endpoints(): { kafkaBrokers: string[]; databaseUrl: string; adminDatabaseUrl: string; schemaRegistryUrl: string; credentials: InfraCredentials; kafkaSecurity: KafkaSecurity } {
    const direct = this.directDatabaseUrl;
    // Read (or made) once per stack: the getter is asked on every service start and check.
    const credentials = this.containers?.credentials ?? (this.localCredentials ??= stackCredentials(this.o.stateDir));
    return {
      credentials,
      kafkaSecurity: kafkaSecurityFor({ credentials }, ADMIN_PRINCIPAL),
      kafkaBrokers: this.containers ? this.containers.kafkaBrokers : [`127.0.0.1:${this.ports.kafkaProxy}`],
      databaseUrl: direct.replace(`:${this.ports.pg}/`, `:${this.ports.pgProxy}/`),
      adminDatabaseUrl: this.containers ? this.containers.adminDatabaseUrl! : this.pg!.adminUrl,
      schemaRegistryUrl: this.containers ? this.containers.schemaRegistryUrl : `http://127.0.0.1:${this.ports.registry}`,
    };
  }
  /** The registry's writer: the stack's credentials (the container registry is started with the same, from the same state dir). */
  get registryWriter(): { username: string; password: string } { return stackCredentials(this.o.stateDir).registry; }
  /** Postgres without the proxy: for the checks, which must not suffer the faults they judge. */
  get directDatabaseUrl(): string { return this.containers ? this.containers.databaseUrl : this.pg!.url; }
  get logDir(): string { return join(this.o.stateDir, 'logs'); }

  async start(): Promise<void> {
    const metricsBase = await freePortRange(12);
    this.ports = {
      kafka: await freePort(), kafkaProxy: await freePort(), controller: await freePort(), pg: await freePort(), pgProxy: await freePort(),
      registry: await freePort(), toxiApi: await freePort(), gateway: await freePort(), feed: await freePort(), metricsBase,
    };
    mkdirSync(this.logDir, { recursive: true });
    this.toxiproxy = await startToxiproxy({ cacheDir: this.o.cacheDir, apiPort: this.ports.toxiApi, logFile: join(this.logDir, 'toxiproxy.log') });
    if (this.o.infra === 'containers') {
      this.o.log(`toxiproxy; ${CONTAINER_BROKERS} brokers, Postgres and the registry in containers...`);
      const { startContainers } = await import('@inplay/infra/containers');
      this.containers = await startContainers({
        mode: 'containers', cacheDir: this.o.cacheDir, stateDir: this.o.stateDir, kafkaHeapMb: this.o.kafkaHeapMb, quiet: true,
        ports: { kafka: await freePortRange(CONTAINER_BROKERS), postgres: this.ports.pg, registry: this.ports.registry },
      });
    } else {
      this.o.log('toxiproxy, Postgres, Kafka and the registry...');
      await this.toxiproxy.createProxy(KAFKA_PROXY, this.ports.kafkaProxy, this.ports.kafka);
      this.pg = await startLocalPostgres({ stateDir: this.o.stateDir, port: this.ports.pg });
      this.kafkaHome = await ensureKafkaJars(this.o.cacheDir, KAFKA_VERSION);
      await this.startKafka();
      await this.startRegistry();
    }
    await this.toxiproxy.createProxy(POSTGRES_PROXY, this.ports.pgProxy, this.ports.pg);
    // A cluster just formed may still answer "does not host this topic-partition" while leaders are elected.
    await waitUntil('topics, migrations and schemas', async () => {
      await bootstrapInfra({ kafkaBrokers: this.endpoints.kafkaBrokers, kafkaSecurity: this.endpoints.kafkaSecurity, databaseUrl: this.directDatabaseUrl, schemaRegistryUrl: this.endpoints.schemaRegistryUrl, registryAuth: this.registryWriter, credentials: this.endpoints.credentials });
      return true;
    }, BOOTSTRAP_TIMEOUT_MS, 1_000);
    const settings = loadSettings({
      ...process.env, INPLAY_STATE_DIR: this.o.stateDir, INPLAY_GATEWAY_PORT: String(this.ports.gateway),
      INPLAY_FEED_PORT: String(this.ports.feed), INPLAY_METRICS_BASE_PORT: String(this.ports.metricsBase),
    });
    const infra = { ...this.endpoints, mode: 'local', components: [], stop: async () => undefined } as RunningInfra;
    for (const spec of serviceSpecs(infra, settings, { gateways: 1, demoSpeed: this.o.demoSpeed })) {
      this.specs.set(spec.name === 'gateway-1' ? 'gateway' : spec.name, { ...spec, name: spec.name === 'gateway-1' ? 'gateway' : spec.name });
    }
  }

  /** Starts the services, consumers first. */
  async startServices(): Promise<void> {
    for (const name of CHAOS_SERVICES) await this.startService(name);
  }

  private async startKafka(): Promise<void> {
    this.kafka = await startLocalKafka({
      home: this.kafkaHome, version: KAFKA_VERSION, dataDir: join(this.o.stateDir, 'kafka'), port: this.ports.kafka,
      controllerPort: this.ports.controller, advertisedPort: this.ports.kafkaProxy, heapMb: this.o.kafkaHeapMb,
      users: this.endpoints.credentials.kafka,
    });
  }

  async startRegistry(): Promise<void> {
    this.registry = await startLocalRegistry({
      cacheDir: this.o.cacheDir, stateDir: this.o.stateDir, port: this.ports.registry, kafkaBrokers: this.endpoints.kafkaBrokers,
      databaseUrl: this.pg!.url, adminDatabaseUrl: this.pg!.adminUrl, writer: this.registryWriter,
    });
  }

  /** One broker of the container cluster killed (SIGKILL, `docker kill`), held down, then started again on its data. */
  async killBroker(o: { downMs: number }): Promise<number> {
    const broker = this.containers?.brokers[1];
    if (!broker) throw new Error('broker-kill needs --infra=containers');
    execFileSync('docker', ['kill', broker.container.getId()]);
    await new Promise((r) => setTimeout(r, o.downMs));
    execFileSync('docker', ['start', broker.container.getId()]);
    return broker.id;
  }

  /** SIGKILL of the registry: no goodbye. */
  killRegistry(): void {
    const pid = this.registry?.pid;
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  }

  /** The broker stopped (SIGKILL when `hard`, else a controlled shutdown) and started again on the same data. */
  async restartKafka(o: { hard: boolean; downMs: number }): Promise<void> {
    const broker = this.kafka!;
    if (o.hard && broker.pid) process.kill(broker.pid, 'SIGKILL');
    await broker.stop();
    await new Promise((r) => setTimeout(r, o.downMs));
    await this.startKafka();
  }

  /** Postgres stopped (fast shutdown: every connection is cut) and started again on the same data. */
  async restartPostgres(o: { downMs: number }): Promise<void> {
    await this.pg!.stop();
    await new Promise((r) => setTimeout(r, o.downMs));
    this.pg = await startLocalPostgres({ stateDir: this.o.stateDir, port: this.ports.pg });
  }

  spec(name: string): ServiceSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`no service ${name}`);
    return spec;
  }

  running(name: string): ManagedProcess | undefined {
    return this.services.get(name)?.process;
  }

  /** Each running service's last log lines, for an error that has to say why the stack did not get there. */
  lastWords(lines = 8): string {
    return [...this.services].map(([name, s]) => `--- ${name}${s.process.running ? '' : ' (exited)'}:\n${s.process.lastLines(lines)}`).join('\n');
  }

  /** Starts (or starts again) a service and waits for its /health. */
  async startService(name: string): Promise<void> {
    const spec = this.spec(name);
    const e = this.endpoints;
    const env = { ...withoutRegistryWriter(process.env), KAFKA_BROKERS: e.kafkaBrokers.join(','), DATABASE_URL: e.databaseUrl, SCHEMA_REGISTRY_URL: e.schemaRegistryUrl };
    // The extra environment (a skewed clock) wins over the spec's own.
    const withExtra = { ...spec, env: { ...spec.env, ...(this.extraEnv[name.replace(/-\d+$/, '')] ?? {}) } };
    const child = await launchService(withExtra, env, join(this.logDir, `${name}.log`), SERVICE_START_TIMEOUT_MS);
    this.services.set(name, { spec, process: child });
  }

  /** SIGKILL: no shutdown hook runs. */
  async kill(name: string): Promise<void> {
    const running = this.services.get(name);
    if (!running) return;
    running.process.child.kill('SIGKILL');
    await running.process.whenExited();
    this.services.delete(name);
  }

  /** Another settlement instance (settlement-2, -3, ...): its own metrics port, the same consumer group. */
  async addSettlement(index: number): Promise<string> {
    const base = this.spec('settlement');
    const port = await freePort();
    const name = `settlement-${index}`;
    this.specs.set(name, { ...base, name, env: { ...base.env, METRICS_PORT: String(port) }, address: `metrics http://127.0.0.1:${port}/metrics`, healthUrl: `http://127.0.0.1:${port}/health` });
    await this.startService(name);
    return name;
  }

  /** A graceful stop (SIGTERM): the instance leaves its group. */
  async stopService(name: string): Promise<void> {
    const running = this.services.get(name);
    if (!running) return;
    await running.process.stop();
    this.services.delete(name);
  }

  async stop(): Promise<void> {
    for (const name of [...this.services.keys()].reverse()) await this.stopService(name).catch(() => undefined);
    await this.registry?.stop().catch(() => undefined);
    await this.kafka?.stop().catch(() => undefined);
    await this.pg?.stop().catch(() => undefined);
    await this.containers?.stop().catch(() => undefined);
    await this.toxiproxy?.stop().catch(() => undefined);
  }
}
