// `inplay bench <pricing|settlement|fanout>`: each benchmark runs its baseline
// in the same invocation, prints a table and writes JSON plus a chart. They
// use the running infrastructure (`inplay up --infra-only` is enough) with
// topics and databases of their own.
import { resolve } from 'node:path';
import { intListOption, intOption, jsonPath, listOption, numberOption } from '../options';
import { loadSettings } from '../settings';
import { runningEndpoints } from '../endpoints';


export async function benchPricingCommand(options: { json?: string; durationS?: string; rates?: string; deliveries?: string; repetitions?: string; throughputEvents?: string; profileDir?: string }): Promise<void> {
  const { benchPricing, MIN_REPETITIONS, MAX_REPETITIONS } = await import('@inplay/bench');
  const { PRICING_DELIVERIES } = await import('@inplay/pricing');
  const deliveries = listOption('deliveries', options.deliveries, PRICING_DELIVERIES);
  const rates = intListOption('rates', options.rates, { min: 1, max: 1_000_000 }, 'offered events/s');
  const durationS = numberOption('duration-s', options.durationS, { min: 0, max: 600, minExclusive: true }) ?? 10;
  const repetitions = intOption('repetitions', options.repetitions, { min: MIN_REPETITIONS, max: MAX_REPETITIONS });
  const throughputEvents = intOption('throughput-events', options.throughputEvents, { min: 1_000, max: 10_000_000 });
  const json = jsonPath(options.json, 'pricing');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  await benchPricing({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryAuth: e.credentials?.registry ?? settings.registryAuth, registryUrl: e.schemaRegistryUrl, databaseUrl: e.adminDatabaseUrl ?? e.databaseUrl,
    durationMs: durationS * 1000, json, ...(rates ? { eventsPerSec: rates } : {}), log: (line) => console.log(line),
    ...(deliveries ? { deliveries } : {}),
    ...(repetitions !== undefined ? { repetitions } : {}),
    ...(throughputEvents !== undefined ? { throughputEvents } : {}),
    ...(options.profileDir ? { profileDir: resolve(options.profileDir) } : {}),
  });
  console.log(`wrote ${json} and its chart`);
}

export async function benchSettlementCommand(options: { json?: string; users?: string; durationS?: string; rates?: string; strategies?: string; repetitions?: string; profileDir?: string }): Promise<void> {
  const { benchSettlement, MIN_REPETITIONS, MAX_REPETITIONS } = await import('@inplay/bench');
  const { STRATEGY_NAMES } = await import('@inplay/settlement');
  const strategies = listOption('strategies', options.strategies, STRATEGY_NAMES);
  const rates = intListOption('rates', options.rates, { min: 1, max: 100_000 }, 'offered orders/s');
  const users = intOption('users', options.users, { min: 1, max: 10_000 });
  const durationS = intOption('duration-s', options.durationS, { min: 1, max: 600 });
  const repetitions = intOption('repetitions', options.repetitions, { min: MIN_REPETITIONS, max: MAX_REPETITIONS });
  const json = jsonPath(options.json, 'settlement');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  if (!e.adminDatabaseUrl) throw new Error('bench settlement creates databases of its own: it needs the embedded Postgres of `inplay up` (or an admin DATABASE_URL)');
  await benchSettlement({
    processes: infraProcesses(e),
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryAuth: e.credentials?.registry ?? settings.registryAuth, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, json,
    ...(users !== undefined ? { users } : {}),
    ...(durationS !== undefined ? { durationMs: durationS * 1000 } : {}),
    ...(strategies ? { strategies } : {}),
    ...(rates ? { rates } : {}),
    ...(repetitions !== undefined ? { repetitions } : {}),
    ...(options.profileDir ? { profileDir: resolve(options.profileDir) } : {}),
    log: (line) => console.log(line), // the bench says where it wrote the report
  });
}

export async function benchFanoutCommand(options: {
  connections?: string; json?: string; players?: string; ticksPerSec?: string; durationS?: string; only?: 'uws' | 'ws' | 'both';
  repetitions?: string; steps?: string; flushIntervalMs?: string; profileDir?: string;
}): Promise<void> {
  const { benchFanout } = await import('@inplay/bench');
  const connections = intOption('connections', options.connections, { min: 1, max: 100_000 }) ?? 10_000;
  const players = intOption('players', options.players, { min: 1, max: 100_000 });
  const ticksPerSec = intOption('ticks-per-sec', options.ticksPerSec, { min: 1, max: 100_000 });
  const durationS = intOption('duration-s', options.durationS, { min: 1, max: 600 });
  const repetitions = intOption('repetitions', options.repetitions, { min: 1, max: 9 }) ?? 3;
  const flushIntervalMs = intOption('flush-interval-ms', options.flushIntervalMs, { min: 0, max: 10_000 });
  const steps = options.steps?.split(',').map((f) => {
    const fraction = Number(f);
    if (!(fraction > 0 && fraction <= 1)) throw new Error(`--steps takes fractions of --connections in (0, 1], comma-separated (e.g. 0.25,0.5,1); got ${options.steps}`);
    return fraction;
  });
  const json = jsonPath(options.json, 'fanout');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  await benchFanout({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryAuth: e.credentials?.registry ?? settings.registryAuth, registryUrl: e.schemaRegistryUrl, databaseUrl: e.databaseUrl, json, connections,
    ...(players !== undefined ? { players } : {}),
    ...(ticksPerSec !== undefined ? { ticksPerSec } : {}),
    ...(durationS !== undefined ? { durationMs: durationS * 1000 } : {}),
    ...(options.only ? { only: options.only } : {}),
    ...(steps ? { steps } : {}),
    ...(flushIntervalMs !== undefined ? { gatewayLimits: { flushIntervalMs } } : {}),
    ...(options.profileDir ? { profileDir: resolve(options.profileDir) } : {}),
    repetitions,
  });
  console.log(`wrote ${json} and its chart`);
}

export async function benchReplayCommand(options: { json?: string; orders?: string; repetitions?: string }): Promise<void> {
  const { benchReplay, DEFAULT_REPETITIONS, MAX_REPETITIONS, MIN_REPETITIONS } = await import('@inplay/bench');
  const orders = intOption('orders', options.orders, { min: 1, max: 1_000_000 });
  const repetitions = intOption('repetitions', options.repetitions, { min: MIN_REPETITIONS, max: MAX_REPETITIONS }) ?? DEFAULT_REPETITIONS;
  const json = jsonPath(options.json, 'replay');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  if (!e.adminDatabaseUrl) throw new Error('bench replay creates databases of its own: it needs the embedded Postgres of `inplay up`');
  const processes = infraProcesses(e);
  await benchReplay({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryAuth: e.credentials?.registry ?? settings.registryAuth, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, json,
    repetitions, processes, log: (line) => console.log(line),
    ...(orders !== undefined ? { orders } : {}),
  });
}

/**
 * The broker's and registry's pids where `inplay up` recorded them, for the benches to read their CPU from /proc
 * (Postgres is left out: its work is spread over one backend process per connection).
 */
function infraProcesses(e: ReturnType<typeof runningEndpoints>): Record<string, number> {
  const components = 'components' in e ? (e as { components: { name: string; pid?: number }[] }).components : [];
  return Object.fromEntries(components.filter((c) => c.pid !== undefined && c.name !== 'postgres').map((c) => [c.name, c.pid!]));
}
