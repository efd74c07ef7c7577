// `inplay bench <pricing|settlement|fanout>`: each benchmark runs its baseline
// in the same invocation, prints a table and writes JSON plus a chart. They
// use the running infrastructure (`inplay up --infra-only` is enough) with
// topics and databases of their own.
import { resolve } from 'node:path';
import { intListOption, intOption, jsonPath, listOption, numberOption } from '../options';
import { loadSettings } from '../settings';
import { runningEndpoints } from '../endpoints';


export async function benchPricingCommand(options: { json?: string; durationS?: string; rates?: string; deliveries?: string }): Promise<void> {
  const { benchPricing } = await import('@inplay/bench');
  const { PRICING_DELIVERIES } = await import('@inplay/pricing');
  const deliveries = listOption('deliveries', options.deliveries, PRICING_DELIVERIES);
  const rates = intListOption('rates', options.rates, { min: 1, max: 1_000_000 }, 'offered events/s');
  const durationS = numberOption('duration-s', options.durationS, { min: 0, max: 600, minExclusive: true }) ?? 10;
  const json = jsonPath(options.json, 'pricing');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  await benchPricing({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryAuth: e.credentials?.registry ?? settings.registryAuth, registryUrl: e.schemaRegistryUrl, databaseUrl: e.adminDatabaseUrl ?? e.databaseUrl,
    durationMs: durationS * 1000, json, ...(rates ? { eventsPerSec: rates } : {}), log: (line) => console.log(line),
    ...(deliveries ? { deliveries } : {}),
  });
  console.log(`wrote ${json} and its chart`);
}

export async function benchSettlementCommand(options: { json?: string; users?: string; durationS?: string; rates?: string; strategies?: string; profileDir?: string }): Promise<void> {
  const { benchSettlement } = await import('@inplay/bench');
  const { STRATEGY_NAMES } = await import('@inplay/settlement');
  const strategies = listOption('strategies', options.strategies, STRATEGY_NAMES);
  const rates = intListOption('rates', options.rates, { min: 1, max: 100_000 }, 'offered orders/s');
  const users = intOption('users', options.users, { min: 1, max: 10_000 });
  const durationS = intOption('duration-s', options.durationS, { min: 1, max: 600 });
  const json = jsonPath(options.json, 'settlement');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  if (!e.adminDatabaseUrl) throw new Error('bench settlement creates databases of its own: it needs the embedded Postgres of `inplay up` (or an admin DATABASE_URL)');
  await benchSettlement({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryAuth: e.credentials?.registry ?? settings.registryAuth, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, json,
    ...(users !== undefined ? { users } : {}),
    ...(durationS !== undefined ? { durationMs: durationS * 1000 } : {}),
    ...(strategies ? { strategies } : {}),
    ...(rates ? { rates } : {}),
    ...(options.profileDir ? { profileDir: resolve(options.profileDir) } : {}),
    log: (line) => console.log(line), // the bench says where it wrote the report
  });
}

export async function benchFanoutCommand(options: { connections?: string; json?: string; players?: string; ticksPerSec?: string; durationS?: string; only?: 'uws' | 'ws' | 'both' }): Promise<void> {
  const { benchFanout } = await import('@inplay/bench');
  const connections = intOption('connections', options.connections, { min: 1, max: 100_000 }) ?? 10_000;
  const players = intOption('players', options.players, { min: 1, max: 100_000 });
  const ticksPerSec = intOption('ticks-per-sec', options.ticksPerSec, { min: 1, max: 100_000 });
  const durationS = intOption('duration-s', options.durationS, { min: 1, max: 600 });
  const json = jsonPath(options.json, 'fanout');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  await benchFanout({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryAuth: e.credentials?.registry ?? settings.registryAuth, registryUrl: e.schemaRegistryUrl, databaseUrl: e.databaseUrl, json, connections,
    ...(players !== undefined ? { players } : {}),
    ...(ticksPerSec !== undefined ? { ticksPerSec } : {}),
    ...(durationS !== undefined ? { durationMs: durationS * 1000 } : {}),
    ...(options.only ? { only: options.only } : {}),
  });
  console.log(`wrote ${json} and its chart`);
}

export async function benchReplayCommand(options: { json?: string; orders?: string }): Promise<void> {
  const { benchReplay } = await import('@inplay/bench');
  const orders = intOption('orders', options.orders, { min: 1, max: 1_000_000 });
  const json = jsonPath(options.json, 'replay');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  if (!e.adminDatabaseUrl) throw new Error('bench replay creates databases of its own: it needs the embedded Postgres of `inplay up`');
  await benchReplay({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryAuth: e.credentials?.registry ?? settings.registryAuth, registryUrl: e.schemaRegistryUrl, adminDatabaseUrl: e.adminDatabaseUrl, json,
    ...(orders !== undefined ? { orders } : {}),
  });
  console.log(`wrote ${json}`);
}
