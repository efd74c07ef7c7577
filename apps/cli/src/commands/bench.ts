// `inplay bench <pricing|settlement|fanout>`: each benchmark runs its baseline
// in the same invocation, prints a table and writes JSON plus a chart. They
// use the running infrastructure (`inplay up --infra-only` is enough) with
// topics and databases of their own.
import { resolve } from 'node:path';
import { intOption, jsonPath } from '../options';
import { loadSettings } from '../settings';
import { runningEndpoints } from '../endpoints';


export async function benchPricingCommand(options: { json?: string; durationS?: string; rates?: string; deliveries?: string }): Promise<void> {
  const { benchPricing } = await import('@inplay/bench');
  const { PRICING_DELIVERIES } = await import('@inplay/pricing');
  const deliveries = options.deliveries?.split(',').map((d) => d.trim()).filter(Boolean);
  const unknown = deliveries?.filter((d) => !(PRICING_DELIVERIES as readonly string[]).includes(d)) ?? [];
  if (deliveries && (deliveries.length === 0 || unknown.length > 0)) throw new Error(`--deliveries takes a comma-separated list of ${PRICING_DELIVERIES.join(', ')}; got ${JSON.stringify(options.deliveries)}`);
  const json = jsonPath(options.json, 'pricing');
  const e = runningEndpoints(loadSettings());
  const rates = options.rates ? options.rates.split(',').map(Number) : undefined;
  if (rates?.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error(`--rates must be a comma-separated list of events/s, got ${options.rates}`);
  const durationS = options.durationS ? Number(options.durationS) : 10;
  if (!Number.isFinite(durationS) || durationS <= 0 || durationS > 600) throw new Error(`--duration-s must be in (0, 600], got ${options.durationS}`);
  await benchPricing({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, databaseUrl: e.adminDatabaseUrl ?? e.databaseUrl,
    durationMs: durationS * 1000, json, ...(rates ? { eventsPerSec: rates } : {}), log: (line) => console.log(line),
    ...(deliveries ? { deliveries: deliveries as (typeof PRICING_DELIVERIES)[number][] } : {}),
  });
  console.log(`wrote ${json} and its chart`);
}

export async function benchSettlementCommand(options: { json?: string; users?: string; durationS?: string; rates?: string; strategies?: string; profileDir?: string }): Promise<void> {
  const { benchSettlement } = await import('@inplay/bench');
  const { STRATEGY_NAMES } = await import('@inplay/settlement');
  const strategies = options.strategies?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = strategies?.filter((s) => !(STRATEGY_NAMES as readonly string[]).includes(s)) ?? [];
  if (strategies && (strategies.length === 0 || unknown.length > 0)) throw new Error(`--strategies takes a comma-separated list of ${STRATEGY_NAMES.join(', ')}; got ${JSON.stringify(options.strategies)}`);
  const rates = options.rates?.split(',').map((r) => Number(r.trim()));
  if (rates && (rates.length === 0 || rates.some((r) => !Number.isInteger(r) || r < 1 || r > 100_000))) throw new Error(`--rates takes a comma-separated list of offered orders/s (integers 1-100000), got ${JSON.stringify(options.rates)}`);
  const json = jsonPath(options.json, 'settlement');
  const e = runningEndpoints(loadSettings());
  if (!e.adminDatabaseUrl) throw new Error('bench settlement creates databases of its own: it needs the embedded Postgres of `inplay up` (or an admin DATABASE_URL)');
  await benchSettlement({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, json,
    ...(options.users ? { users: intOption('users', options.users, { min: 1, max: 10_000 })! } : {}),
    ...(options.durationS ? { durationMs: intOption('duration-s', options.durationS, { min: 1, max: 600 })! * 1000 } : {}),
    ...(strategies ? { strategies: strategies as (typeof STRATEGY_NAMES)[number][] } : {}),
    ...(rates ? { rates } : {}),
    ...(options.profileDir ? { profileDir: resolve(options.profileDir) } : {}),
    log: (line) => console.log(line), // the bench says where it wrote the report
  });
}

export async function benchFanoutCommand(options: { connections?: string; json?: string; players?: string; ticksPerSec?: string; durationS?: string; only?: 'uws' | 'ws' | 'both' }): Promise<void> {
  const { benchFanout } = await import('@inplay/bench');
  const json = jsonPath(options.json, 'fanout');
  const e = runningEndpoints(loadSettings());
  await benchFanout({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, databaseUrl: e.databaseUrl, json,
    connections: intOption('connections', options.connections, { min: 1, max: 100_000 }) ?? 10_000,
    ...(options.players ? { players: intOption('players', options.players, { min: 1, max: 100_000 })! } : {}),
    ...(options.ticksPerSec ? { ticksPerSec: intOption('ticks-per-sec', options.ticksPerSec, { min: 1, max: 100_000 })! } : {}),
    ...(options.durationS ? { durationMs: intOption('duration-s', options.durationS, { min: 1, max: 600 })! * 1000 } : {}),
    ...(options.only ? { only: options.only } : {}),
  });
  console.log(`wrote ${json} and its chart`);
}

export async function benchReplayCommand(options: { json?: string; orders?: string }): Promise<void> {
  const { benchReplay } = await import('@inplay/bench');
  const json = jsonPath(options.json, 'replay');
  const e = runningEndpoints(loadSettings());
  if (!e.adminDatabaseUrl) throw new Error('bench replay creates databases of its own: it needs the embedded Postgres of `inplay up`');
  await benchReplay({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, json,
    ...(options.orders ? { orders: intOption('orders', options.orders, { min: 1, max: 1_000_000 })! } : {}),
  });
  console.log(`wrote ${json}`);
}
