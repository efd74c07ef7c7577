// `inplay bench <pricing|settlement|fanout>`: each benchmark runs its baseline
// in the same invocation, prints a table and writes JSON plus a chart. They
// use the running infrastructure (`inplay up --infra-only` is enough) with
// topics and databases of their own.
import { resolve } from 'node:path';
import { loadSettings } from '../settings';
import { runningEndpoints } from '../endpoints';

function jsonPath(file: string | undefined, name: string): string {
  return resolve(file ?? `bench-results/${name}.json`);
}

export async function benchPricingCommand(options: { json?: string; durationS?: string; rates?: string; deliveries?: string }): Promise<void> {
  const { benchPricing, PRICING_DELIVERIES } = await import('@inplay/pricing');
  const deliveries = options.deliveries?.split(',').map((d) => d.trim()).filter(Boolean);
  const unknown = deliveries?.filter((d) => !(PRICING_DELIVERIES as readonly string[]).includes(d)) ?? [];
  if (deliveries && (deliveries.length === 0 || unknown.length > 0)) throw new Error(`--deliveries takes a comma-separated list of ${PRICING_DELIVERIES.join(', ')}; got ${JSON.stringify(options.deliveries)}`);
  const e = runningEndpoints(loadSettings());
  const rates = options.rates ? options.rates.split(',').map(Number) : undefined;
  if (rates?.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error(`--rates must be a comma-separated list of events/s, got ${options.rates}`);
  const durationS = options.durationS ? Number(options.durationS) : 10;
  if (!Number.isFinite(durationS) || durationS <= 0 || durationS > 600) throw new Error(`--duration-s must be in (0, 600], got ${options.durationS}`);
  const json = jsonPath(options.json, 'pricing');
  await benchPricing({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, databaseUrl: e.adminDatabaseUrl ?? e.databaseUrl,
    durationMs: durationS * 1000, json, ...(rates ? { eventsPerSec: rates } : {}), log: (line) => console.log(line),
    ...(deliveries ? { deliveries: deliveries as (typeof PRICING_DELIVERIES)[number][] } : {}),
  });
  console.log(`wrote ${json} and its chart`);
}

function positiveInt(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new Error(`--${name} must be an integer in [1, ${max}], got ${JSON.stringify(value)}`);
  return n;
}

export async function benchSettlementCommand(options: { json?: string; users?: string; durationS?: string }): Promise<void> {
  const { benchSettlement } = await import('@inplay/settlement');
  const e = runningEndpoints(loadSettings());
  if (!e.adminDatabaseUrl) throw new Error('bench settlement creates databases of its own: it needs the embedded Postgres of `inplay up` (or an admin DATABASE_URL)');
  const json = jsonPath(options.json, 'settlement');
  await benchSettlement({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, json,
    ...(options.users ? { users: positiveInt('users', options.users, 200, 10_000) } : {}),
    ...(options.durationS ? { durationMs: positiveInt('duration-s', options.durationS, 6, 600) * 1000 } : {}),
    log: (line) => console.log(line),
  });
  console.log(`wrote ${json} and its chart`);
}

export async function benchFanoutCommand(options: { connections?: string; json?: string; players?: string; ticksPerSec?: string; durationS?: string; only?: 'uws' | 'ws' | 'both' }): Promise<void> {
  const { benchFanout } = await import('@inplay/gateway/bench');
  const e = runningEndpoints(loadSettings());
  const json = jsonPath(options.json, 'fanout');
  await benchFanout({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, databaseUrl: e.databaseUrl, json,
    connections: positiveInt('connections', options.connections, 10_000, 100_000),
    ...(options.players ? { players: positiveInt('players', options.players, 500, 100_000) } : {}),
    ...(options.ticksPerSec ? { ticksPerSec: positiveInt('ticks-per-sec', options.ticksPerSec, 2_000, 100_000) } : {}),
    ...(options.durationS ? { durationMs: positiveInt('duration-s', options.durationS, 20, 600) * 1000 } : {}),
    ...(options.only ? { only: options.only } : {}),
  });
  console.log(`wrote ${json} and its chart`);
}

export async function benchReplayCommand(options: { json?: string; orders?: string }): Promise<void> {
  const { benchReplay } = await import('@inplay/audit');
  const e = runningEndpoints(loadSettings());
  if (!e.adminDatabaseUrl) throw new Error('bench replay creates databases of its own: it needs the embedded Postgres of `inplay up`');
  const json = jsonPath(options.json, 'replay');
  await benchReplay({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, json,
    ...(options.orders ? { orders: positiveInt('orders', options.orders, 60_000, 1_000_000) } : {}),
  });
  console.log(`wrote ${json}`);
}
