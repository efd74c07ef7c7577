// `inplay fairness --json FILE`: the latency-arbitrage experiment (tools/bench,
// src/fairness) once per policy, a table on stdout, the report as JSON and a
// chart beside it. This file only reads the options.
import { DEFAULT_FRONT_RUN_MS } from '@inplay/domain';
import { runningEndpoints } from '../endpoints';
import { intOption, jsonPath } from '../options';
import { loadSettings } from '../settings';

export interface FairnessCommandOptions {
  json?: string;
  policies?: string;
  speed?: string;
  honestUsers?: string;
  frontRunMs?: string;
  delayMs?: string;
  untilMinute?: string;
  seed?: string;
  keep?: boolean;
}

export async function fairnessCommand(options: FairnessCommandOptions): Promise<void> {
  const { EXPERIMENT_DELAY_MS, experimentPolicies, runFairness } = await import('@inplay/bench');
  const delayMs = intOption('delay-ms', options.delayMs, { min: 1, max: 600_000 }) ?? EXPERIMENT_DELAY_MS;
  const policies = experimentPolicies(options.policies, delayMs);
  const untilMinute = intOption('until-minute', options.untilMinute, { min: 1, max: 200 });
  const json = jsonPath(options.json, 'fairness');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  // Each run registers its schemas: as the stack's registry writer, or the operator's from the environment.
  const registryAuth = e.credentials?.registry ?? settings.registryAuth;
  if (!e.adminDatabaseUrl) throw new Error('inplay fairness creates a database per run: it needs the embedded Postgres of `inplay up` (or an admin DATABASE_URL)');
  await runFairness({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryUrl: e.schemaRegistryUrl, ...(registryAuth ? { registryAuth } : {}), adminDatabaseUrl: e.adminDatabaseUrl, json, policies,
    speed: intOption('speed', options.speed, { min: 1, max: 200 }) ?? 60,
    honestUsers: intOption('honest-users', options.honestUsers, { min: 1, max: 5_000 }) ?? 200,
    frontRunMs: intOption('front-run-ms', options.frontRunMs, { min: 0, max: 600_000 }) ?? DEFAULT_FRONT_RUN_MS,
    seed: intOption('seed', options.seed, { min: 0, max: 2 ** 31 - 1 }) ?? 1,
    keep: options.keep ?? false,
    ...(untilMinute !== undefined ? { untilMinute } : {}),
  });
  console.log(`wrote ${json} and its chart`);
}
