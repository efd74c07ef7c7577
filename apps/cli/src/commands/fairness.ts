// `inplay fairness --json FILE`: the latency-arbitrage experiment (tools/bench,
// src/fairness) for every seed, replay speed and policy, a table on stdout,
// the report as JSON and a chart beside it. This file only reads the options.
import { DEFAULT_FRONT_RUN_MS } from '@inplay/domain';
import { readStackState } from '@inplay/infra';
import { runningEndpoints } from '../endpoints';
import { intListOption, intOption, jsonPath } from '../options';
import { loadSettings } from '../settings';

export interface FairnessCommandOptions {
  json?: string;
  policies?: string;
  speeds?: string;
  seeds?: string;
  concurrency?: string;
  honestUsers?: string;
  frontRunMs?: string;
  delayMs?: string;
  untilMinute?: string;
  seed?: string;
  keep?: boolean;
}

/** Simulated ms per wall ms when --speeds is not given, and the fastest allowed. */
export const DEFAULT_FAIRNESS_SPEED = 60;
export const MAX_FAIRNESS_SPEED = 200;

export async function fairnessCommand(options: FairnessCommandOptions): Promise<void> {
  const { EXPERIMENT_DELAY_MS, MAX_SWEEP_SEEDS, experimentPolicies, parseConcurrency, runFairness } = await import('@inplay/bench');
  const delayMs = intOption('delay-ms', options.delayMs, { min: 1, max: 600_000 }) ?? EXPERIMENT_DELAY_MS;
  const policies = experimentPolicies(options.policies, delayMs);
  const untilMinute = intOption('until-minute', options.untilMinute, { min: 1, max: 200 });
  const speeds = [...new Set(intListOption('speeds', options.speeds, { min: 1, max: MAX_FAIRNESS_SPEED }, 'replay speeds') ?? [DEFAULT_FAIRNESS_SPEED])];
  const firstSeed = intOption('seed', options.seed, { min: 0, max: 2 ** 31 - 1 - MAX_SWEEP_SEEDS }) ?? 1;
  const seedCount = intOption('seeds', options.seeds, { min: 1, max: MAX_SWEEP_SEEDS }) ?? 1;
  const concurrency = parseConcurrency(options.concurrency, speeds);
  const json = jsonPath(options.json, 'fairness');
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  // Each run registers its schemas: as the stack's registry writer, or the operator's from the environment.
  const registryAuth = e.credentials?.registry ?? settings.registryAuth;
  if (!e.adminDatabaseUrl) throw new Error('inplay fairness creates a database per run: it needs the embedded Postgres of `inplay up` (or an admin DATABASE_URL)');
  // Kafka's and Postgres's CPU is read beside this process's when `inplay up` runs them here.
  const cpuPids = Object.fromEntries((readStackState(settings.stateDir)?.components ?? []).filter((c) => c.pid !== undefined).map((c) => [c.name, c.pid!]));
  await runFairness({
    brokers: e.kafkaBrokers, kafkaSecurity: e.kafkaSecurity, registryUrl: e.schemaRegistryUrl, ...(registryAuth ? { registryAuth } : {}), adminDatabaseUrl: e.adminDatabaseUrl, json, policies,
    speeds, seeds: Array.from({ length: seedCount }, (_, i) => firstSeed + i), concurrency, cpuPids,
    honestUsers: intOption('honest-users', options.honestUsers, { min: 1, max: 5_000 }) ?? 200,
    frontRunMs: intOption('front-run-ms', options.frontRunMs, { min: 0, max: 600_000 }) ?? DEFAULT_FRONT_RUN_MS,
    keep: options.keep ?? false,
    ...(untilMinute !== undefined ? { untilMinute } : {}),
  });
  console.log(`wrote ${json} and its chart`);
}
