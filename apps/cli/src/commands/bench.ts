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

export async function benchPricingCommand(options: { json?: string; durationS?: string; rates?: string }): Promise<void> {
  const { benchPricing } = await import('@inplay/pricing');
  const e = runningEndpoints(loadSettings());
  const rates = options.rates ? options.rates.split(',').map(Number) : undefined;
  if (rates?.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error(`--rates must be a comma-separated list of events/s, got ${options.rates}`);
  const durationS = options.durationS ? Number(options.durationS) : 10;
  if (!Number.isFinite(durationS) || durationS <= 0 || durationS > 600) throw new Error(`--duration-s must be in (0, 600], got ${options.durationS}`);
  const json = jsonPath(options.json, 'pricing');
  await benchPricing({
    brokers: e.kafkaBrokers, registryUrl: e.schemaRegistryUrl, databaseUrl: e.adminDatabaseUrl ?? e.databaseUrl,
    durationMs: durationS * 1000, json, ...(rates ? { eventsPerSec: rates } : {}), log: (line) => console.log(line),
  });
  console.log(`wrote ${json} and its chart`);
}
