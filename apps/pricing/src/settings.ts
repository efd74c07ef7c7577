// Pricing's configuration: read once from the environment, validated (zod for
// the settings, validatePricingConfig for the model), refused at start-up when wrong.
import { DEFAULT_PORTS, infraHints, infraShape, loadConfig, port, positiveInt, postgresUrl, serviceInfra, z } from '@inplay/config';
import { DEFAULT_DELIVERY, PRICING_DELIVERIES, type DeliveryTuning } from './delivery';
import { DEFAULT_CONSUMER_TUNING, MAX_FETCH_BYTES_PER_PARTITION, type ConsumerTuning } from './tuning';
import { DEFAULT_JUMP_TABLE, DEFAULT_PRICING_CONFIG, validatePricingConfig, type JumpTable, type PricingConfig } from '@inplay/domain';

export const DEFAULT_METRICS_PORT = DEFAULT_PORTS.metricsBase + 2;
/** Longer would make the replay after a crash (everything since the last snapshot) too long to be a restart. */
export const MAX_SNAPSHOT_INTERVAL_MS = 60_000;
export const MAX_SNAPSHOT_EVERY_COMMANDS = 1_000_000;

const jumpTableOverride = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not JSON: ${(err as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.record(z.string(), z.number())));

const settingsShape = {
  ...infraShape,
  DATABASE_URL: postgresUrl,
  PRICING_DRIFT_INTERVAL_MS: positiveInt.default(DEFAULT_PRICING_CONFIG.driftIntervalMs),
  PRICING_LOCK_WINDOW_MS: z.coerce.number().int().min(0).default(DEFAULT_PRICING_CONFIG.lockWindowMs),
  PRICING_SEED: z.coerce.number().int().default(DEFAULT_PRICING_CONFIG.rngSeed),
  /** JSON object; each event type given replaces that type's entry, e.g. {"GOAL":{"subject":2000,"keeper":-800}}. */
  PRICING_JUMP_TABLE: jumpTableOverride.optional(),
  METRICS_PORT: port.default(DEFAULT_METRICS_PORT),
  PRICING_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(5_000).default(DEFAULT_CONSUMER_TUNING.maxWaitTimeInMs),
  PRICING_FETCH_MAX_BYTES_PER_PARTITION: z.coerce.number().int().min(1_024).max(MAX_FETCH_BYTES_PER_PARTITION).default(DEFAULT_CONSUMER_TUNING.maxBytesPerPartition),
  PRICING_DELIVERY: z.enum(PRICING_DELIVERIES).default(DEFAULT_DELIVERY.mode),
  PRICING_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(10).max(MAX_SNAPSHOT_INTERVAL_MS).default(DEFAULT_DELIVERY.snapshotIntervalMs),
  PRICING_SNAPSHOT_EVERY_COMMANDS: z.coerce.number().int().min(1).max(MAX_SNAPSHOT_EVERY_COMMANDS).default(DEFAULT_DELIVERY.snapshotEveryCommands),
  PRICING_OFFSET_COMMIT_INTERVAL_MS: z.coerce.number().int().min(10).max(MAX_SNAPSHOT_INTERVAL_MS).default(DEFAULT_DELIVERY.offsetCommitIntervalMs),
  PRICING_STAGES: z.enum(['both', 'sequencer', 'processor']).default('both'),
};

const settingsHints = {
  ...infraHints,
  DATABASE_URL: 'Pricing reads each match roster (players table) from it at kick-off',
  PRICING_DRIFT_INTERVAL_MS: 'Milliseconds of silence before an idle player drifts (and how often drift beats are appended)',
  PRICING_LOCK_WINDOW_MS: 'Milliseconds trading stays locked on a player after an event on him',
  PRICING_JUMP_TABLE: 'A JSON object of event type -> { subject?, related?, keeper? } basis points',
  PRICING_FETCH_MAX_WAIT_MS: 'How long a fetch waits for data (latency vs. requests per second)',
  PRICING_FETCH_MAX_BYTES_PER_PARTITION: 'Bounds one batch, hence one transaction',
  PRICING_DELIVERY: 'idempotent (default: deterministic replay, duplicates dropped by seq) or transactional (one Kafka transaction per batch)',
  PRICING_SNAPSHOT_INTERVAL_MS: 'idempotent delivery: how often changed players are snapshotted (the longest replay after a crash)',
  PRICING_SNAPSHOT_EVERY_COMMANDS: 'idempotent delivery: snapshot a partition sooner once it folded this many commands',
  PRICING_OFFSET_COMMIT_INTERVAL_MS: 'idempotent delivery: how often the sequencer commits its input offsets',
  PRICING_STAGES: 'both, sequencer or processor: run one stage per process',
};

export interface PricingSettings {
  brokers: string[];
  kafkaSecurity: ReturnType<typeof serviceInfra>['kafkaSecurity'];
  registryUrl: string;
  registryAuth?: { username: string; password: string };
  databaseUrl: string;
  topicPrefix: string;
  logLevel: string;
  metricsPort: number;
  metricsHost: string;
  pricing: PricingConfig;
  tuning: ConsumerTuning;
  delivery: DeliveryTuning;
  stages: { sequencer: boolean; processor: boolean };
}

export class PricingConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid pricing configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PricingConfigError';
  }
}

/** The model's config from the settings; every problem validatePricingConfig finds is reported at once. */
export function pricingConfigFrom(overrides: {
  driftIntervalMs: number;
  lockWindowMs: number;
  rngSeed: number;
  jumpTable?: Record<string, Record<string, number>> | undefined;
}): PricingConfig {
  const unknownTypes = Object.keys(overrides.jumpTable ?? {}).filter((type) => !(type in DEFAULT_JUMP_TABLE));
  const unknownRoles = Object.entries(overrides.jumpTable ?? {}).flatMap(([type, roles]) =>
    Object.keys(roles).filter((role) => !['subject', 'related', 'keeper'].includes(role)).map((role) => `${type}.${role}`));
  const jumpTable = { ...DEFAULT_JUMP_TABLE, ...overrides.jumpTable } as JumpTable;
  const config: PricingConfig = {
    ...DEFAULT_PRICING_CONFIG,
    driftIntervalMs: overrides.driftIntervalMs,
    lockWindowMs: overrides.lockWindowMs,
    rngSeed: overrides.rngSeed,
    jumpTable,
  };
  const validated = validatePricingConfig(config);
  const problems = [
    ...unknownTypes.map((t) => `PRICING_JUMP_TABLE: unknown event type ${t}`),
    ...unknownRoles.map((r) => `PRICING_JUMP_TABLE: unknown role ${r} (subject, related or keeper)`),
    ...(validated.ok ? [] : validated.errors),
  ];
  if (problems.length > 0) throw new PricingConfigError(problems);
  return config;
}

export function loadPricingSettings(env: Record<string, string | undefined> = process.env): PricingSettings {
  const raw = loadConfig(settingsShape, env, settingsHints);
  return {
    ...serviceInfra(raw),
    metricsPort: raw.METRICS_PORT,
    tuning: { ...DEFAULT_CONSUMER_TUNING, maxWaitTimeInMs: raw.PRICING_FETCH_MAX_WAIT_MS, maxBytesPerPartition: raw.PRICING_FETCH_MAX_BYTES_PER_PARTITION },
    delivery: {
      mode: raw.PRICING_DELIVERY,
      snapshotIntervalMs: raw.PRICING_SNAPSHOT_INTERVAL_MS,
      snapshotEveryCommands: raw.PRICING_SNAPSHOT_EVERY_COMMANDS,
      offsetCommitIntervalMs: raw.PRICING_OFFSET_COMMIT_INTERVAL_MS,
    },
    stages: { sequencer: raw.PRICING_STAGES !== 'processor', processor: raw.PRICING_STAGES !== 'sequencer' },
    pricing: pricingConfigFrom({
      driftIntervalMs: raw.PRICING_DRIFT_INTERVAL_MS,
      lockWindowMs: raw.PRICING_LOCK_WINDOW_MS,
      rngSeed: raw.PRICING_SEED,
      jumpTable: raw.PRICING_JUMP_TABLE,
    }),
  };
}
