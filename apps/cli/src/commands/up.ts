// `inplay up`: infrastructure, then every service, then a demo replay; stays in
// the foreground and stops everything it started, in reverse order, on Ctrl-C.
import { progress, startInfra, writeStackState, readStackState, clearStackState, isAlive, type InfraMode, type RunningInfra, type ServiceState, type StackState } from '@inplay/infra';
import { loadSettings, externalEndpoints, type CliSettings } from '../settings';
import { startServices, buildWebClient, createDemoUsers, DEMO_USERS, DEMO_CASH_CENTS, type RunningService, type ServiceOptions } from '../services';
import { supervise, type Supervisor } from '../supervisor';
import { waitForDemoPrices } from '../demo-flow';
import { intOption, numberOption } from '../options';
import { join } from 'node:path';

export interface UpOptions {
  infraOnly?: boolean;
  gateways?: string;
  speed?: string;
  infra?: 'local' | 'external' | 'containers';
}

export const MAX_GATEWAYS = 8;

export function serviceOptions(options: UpOptions): ServiceOptions {
  const gateways = intOption('gateways', options.gateways, { min: 1, max: MAX_GATEWAYS }) ?? 1;
  // 0: no demo replay.
  const demoSpeed = numberOption('speed', options.speed, { min: 0, max: 1_000 }) ?? 10;
  return { gateways, demoSpeed };
}

/** What is running, for the shutdown handler (set as things start). */
interface Running {
  infra?: RunningInfra;
  services: RunningService[];
  supervisor?: Supervisor;
}

export async function up(options: UpOptions): Promise<void> {
  const settings = loadSettings();
  const services = serviceOptions(options);
  const mode = options.infra ?? settings.INPLAY_INFRA;
  const previous = readStackState(settings.stateDir);
  if (previous && isAlive(previous.upPid)) {
    throw new Error(`inplay is already running (pid ${previous.upPid}, started ${previous.startedAt}). Run \`npx inplay status\` to see it or \`npx inplay down\` to stop it.`);
  }
  const startedAt = Date.now();
  const running: Running = { services: [] };
  let stopping = false;
  let starting = true;
  const shutdown = async (signal: string): Promise<void> => {
    // First of all, before any await: a stop on purpose never restarts anything (Ctrl-C reaches the services too).
    running.supervisor?.stop();
    if (stopping) return;
    stopping = true;
    // Mid-start, the start-up path itself stops what it started once its current step ends.
    if (starting) { console.error(`\n${signal}: stopping once the current start-up step ends...`); return; }
    console.error(`\n${signal}: stopping services, then the registry, Kafka and Postgres...`);
    await stopAll(running, settings);
    console.error('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const stopIfAsked = async (): Promise<boolean> => {
    if (!stopping) return false;
    starting = false;
    stopping = false;
    await shutdown('SIGINT');
    return true;
  };

  running.infra = await startInfraFor(settings, mode);
  if (await stopIfAsked()) return;
  const state = initialState(running.infra, mode, startedAt);
  writeStackState(settings.stateDir, state);
  let demoProblem: string | null = null;
  if (!options.infraOnly) {
    const servicesStartedAt = Date.now();
    await startServicesStep(running, settings, services, state);
    if (!stopping) running.supervisor = superviseServices(running, settings, state);
    if (services.demoSpeed > 0 && !stopping) demoProblem = await awaitDemo(running, servicesStartedAt);
  }
  starting = false;
  if (await stopIfAsked()) return;
  printSummary(running, settings, { seconds: (Date.now() - startedAt) / 1000, mode, infraOnly: options.infraOnly ?? false, demoProblem });
  // Containers and external infrastructure leave nothing of ours in this process's event loop (local mode has its
  // child processes): hold the foreground until a signal, as the summary promises.
  setInterval(() => undefined, 2 ** 30);
}

function startInfraFor(settings: CliSettings, mode: InfraMode): Promise<RunningInfra> {
  return startInfra({
    mode,
    cacheDir: settings.cacheDir,
    stateDir: settings.stateDir,
    ports: {
      kafka: settings.INPLAY_KAFKA_PORT,
      kafkaController: settings.INPLAY_KAFKA_CONTROLLER_PORT,
      postgres: settings.INPLAY_POSTGRES_PORT,
      registry: settings.INPLAY_REGISTRY_PORT,
    },
    external: externalEndpoints(settings),
    kafkaHeapMb: settings.INPLAY_KAFKA_HEAP_MB,
    kafkaTls: settings.INPLAY_KAFKA_TLS,
  });
}

function initialState(infra: RunningInfra, mode: InfraMode, startedAt: number): StackState {
  return {
    upPid: process.pid,
    startedAt: new Date(startedAt).toISOString(),
    mode,
    kafkaBrokers: infra.kafkaBrokers,
    databaseUrl: infra.databaseUrl,
    ...(infra.adminDatabaseUrl ? { adminDatabaseUrl: infra.adminDatabaseUrl } : {}),
    schemaRegistryUrl: infra.schemaRegistryUrl,
    ...(infra.credentials ? { credentials: infra.credentials } : {}),
    ...(infra.kafkaSecurity ? { kafkaSecurity: infra.kafkaSecurity } : {}),
    components: infra.components,
    services: [],
  };
}

/** The web build, the demo users and every service. */
async function startServicesStep(running: Running, settings: CliSettings, options: ServiceOptions, state: StackState): Promise<void> {
  const infra = running.infra!;
  try {
    const web = progress('Web client (Vite build) and demo users');
    await buildWebClient(join(settings.stateDir, 'logs', 'web-build.log'));
    await createDemoUsers(infra.databaseUrl);
    web.done(`apps/web/dist; users ${DEMO_USERS.join(', ')} with €${DEMO_CASH_CENTS / 100} each`);
    const services = progress('Services');
    running.services = await startServices(infra, settings, options);
    services.done(running.services.map((s) => s.info.name).join(', '));
  } catch (err) {
    await infra.stop();
    clearStackState(settings.stateDir);
    throw err;
  }
  state.services = running.services.map((s) => s.info);
  writeStackState(settings.stateDir, state);
}

/** The supervisor restarts a service that dies and says so on this console; exits, restarts and a crash loop are recorded for `inplay status`. */
function superviseServices(running: Running, settings: CliSettings, state: StackState): Supervisor {
  const record = (name: string, change: (s: ServiceState, now: string) => void): void => {
    const service = state.services.find((s) => s.name === name);
    if (service) change(service, new Date().toISOString());
    writeStackState(settings.stateDir, state);
  };
  return supervise(running.services.map((s) => ({ name: s.info.name, process: s.process, respawn: () => s.respawn(), ...(s.info.healthUrl ? { healthUrl: s.info.healthUrl } : {}) })), {
    report: (text) => console.error(text),
    exited: (name, how) => record(name, (s, at) => { s.exited = { how, at }; }),
    restarted: (name, r) => record(name, (s, at) => {
      delete s.exited;
      if (r.pid) s.pid = r.pid; else delete s.pid;
      s.restarts = { count: r.count, lastAt: at, lastExit: r.lastExit };
    }),
    gaveUp: (name, loop) => record(name, (s, at) => { s.crashLoop = { restarts: loop.restarts, withinMs: loop.withinMs, at }; }),
  });
}

/** Waits for the demo's first prices on the gateway; the problem in words when they do not come. */
async function awaitDemo(running: Running, sinceMs: number): Promise<string | null> {
  const gateway = running.services.find((s) => s.info.name.startsWith('gateway'));
  if (!gateway) return null;
  const demo = progress('Demo match: waiting for the first prices on the gateway');
  const flow = await waitForDemoPrices({ gatewayUrl: gateway.info.address, sinceMs, services: running.services });
  if (flow.ok) { demo.done(`first prices after ${(flow.ms / 1000).toFixed(1)} s`); return null; }
  demo.done('not flowing');
  return flow.problem;
}

async function stopAll(running: Running, settings: CliSettings): Promise<void> {
  running.supervisor?.stop();
  for (const service of [...running.services].reverse()) await service.stop().catch(() => undefined);
  await running.infra?.stop();
  clearStackState(settings.stateDir);
}

function printSummary(running: Running, settings: CliSettings, o: { seconds: number; mode: InfraMode; infraOnly: boolean; demoProblem: string | null }): void {
  const seconds = o.seconds.toFixed(1);
  if (o.demoProblem) {
    console.error(`\n✗ inplay started in ${seconds} s, but the demo match is NOT flowing: ${o.demoProblem}`);
    console.error('  Services keep running for a look (`npx inplay status`, the logs above); Ctrl-C stops everything.');
  } else {
    console.log(`\ninplay is up in ${seconds} s (${o.mode} infrastructure${o.infraOnly ? ', infrastructure only' : ''}).`);
  }
  for (const c of running.infra?.components ?? []) console.log(`  ${c.name.padEnd(16)} ${c.address.padEnd(34)} ${c.version}`);
  for (const s of running.services) console.log(`  ${s.info.name.padEnd(16)} ${s.info.address}${s.info.metricsUrl ? `  (internal: metrics ${s.info.metricsUrl}, /admin/*)` : ''}`);
  const entry = running.services.find((s) => s.info.name.startsWith('gateway'));
  if (entry) {
    console.log(`\nOpen the web client: ${entry.info.address}/  (log in as ${DEMO_USERS[0]}; data: StatsBomb Open Data)`);
    const internal = entry.info.metricsUrl ? entry.info.metricsUrl.replace(/\/metrics$/, '') : entry.info.address;
    console.log(`Who trades before the feed: npx inplay anomalies, or GET ${internal}/admin/anomalies (the gateway's internal port) with GATEWAY_ADMIN_TOKEN as bearer token (yours if set, else the one generated in ${join(settings.stateDir, 'secrets.json')})`);
  }
  console.log('\nPress Ctrl-C to stop everything (or run `npx inplay down` from another terminal).');
}
