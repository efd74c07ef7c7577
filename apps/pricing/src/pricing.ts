// Wires pricing's two stages to Kafka, the registry and Postgres:
// match.events + trades -> sequencer -> pricing.commands -> processor -> price.ticks / price.latest.
import { createPool } from '@inplay/db';
import { DEFAULT_PRICING_CONFIG, pricingDecider, type PricingConfig } from '@inplay/domain';
import { createKafka, createSerde, ensureTopics, waitForGroupCoordinator, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { createLogger, createMetrics, type Logger, type Registry } from '@inplay/telemetry';
import { DEFAULT_DELIVERY, type DeliveryTuning } from './delivery';
import { createPricingMetrics } from './metrics';
import { startProcessor, type Stage } from './processor';
import { postgresRosterStore } from './roster-store';
import { startSequencer } from './sequencer';
import { DEFAULT_CONSUMER_TUNING, type ConsumerTuning } from './tuning';

export interface StartPricingOptions {
  brokers: string[];
  /** The service's Kafka principal and TLS (KAFKA_SASL_*, KAFKA_TLS_CA_FILE); empty for a broker without authentication. */
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  /** The registry writer's credentials (SCHEMA_REGISTRY_USER/PASSWORD); without them (production) schemas are only looked up. */
  registryAuth?: RegistryAuth;
  databaseUrl: string;
  /** Isolates topics, registry subjects, consumer groups and transactional ids (tests, benchmarks). */
  topicPrefix?: string;
  pricing?: PricingConfig;
  /** Both by default; a deployment may run them as separate processes. */
  stages?: { sequencer?: boolean; processor?: boolean };
  tuning?: Partial<ConsumerTuning>;
  /** Idempotent (default) or transactional, and the snapshot schedule (delivery.ts). */
  delivery?: Partial<DeliveryTuning>;
  /** Stamps drift beats (the model's only clock) and measures latency. */
  clock?: () => number;
  logger?: Logger;
  metrics?: Registry;
  /** Called on an unexpected error (a bug, a broken invariant, an unreachable dependency); default: log and exit 1. */
  onFatal?: (err: unknown) => void;
}

export interface PricingHandle {
  metrics: Registry;
  /** Stops the drift beat, finishes the batches in flight, snapshots and commits what is pending, disconnects. */
  stop(): Promise<void>;
}

export async function startPricing(options: StartPricingOptions): Promise<PricingHandle> {
  const prefix = options.topicPrefix ?? '';
  const config = options.pricing ?? DEFAULT_PRICING_CONFIG;
  const decider = pricingDecider(config);
  const logger = options.logger ?? createLogger('pricing');
  const registry = options.metrics ?? createMetrics('pricing');
  const metrics = createPricingMetrics(registry);
  const clock = options.clock ?? Date.now;
  const tuning = { ...DEFAULT_CONSUMER_TUNING, ...options.tuning };
  const delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
  const onFatal = options.onFatal ?? ((err: unknown) => {
    logger.fatal({ err }, 'pricing crashed');
    process.exit(1);
  });

  const kafka = createKafka({ brokers: options.brokers, ...options.kafkaSecurity, clientId: `${prefix}pricing`, logger });
  await waitForGroupCoordinator(kafka);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, prefix);
  await admin.disconnect();
  const serde = createSerde(options.registryUrl, prefix, options.registryAuth);
  const pool = createPool(options.databaseUrl, { max: 2, applicationName: 'pricing' });

  const stages: Stage[] = [];
  try {
    if (options.stages?.processor !== false) {
      stages.push(await startProcessor({
        kafka, serde, inputPrefix: prefix, outputPrefix: prefix, groupId: `${prefix}pricing-processor`,
        decider, tuning, delivery, logger, metrics, clock, onFatal,
      }));
    }
    if (options.stages?.sequencer !== false) {
      stages.push(await startSequencer({
        kafka, serde, prefix, groupId: `${prefix}pricing-sequencer`, rosters: postgresRosterStore(pool),
        driftIntervalMs: config.driftIntervalMs, clock, tuning, delivery, logger, metrics, onFatal,
      }));
    }
  } catch (err) {
    for (const stage of stages.reverse()) await stage.stop().catch(() => undefined);
    await pool.end();
    throw err;
  }
  logger.info({ prefix, stages: stages.length, delivery: delivery.mode, driftIntervalMs: config.driftIntervalMs }, 'pricing started');

  let stopping: Promise<void> | undefined;
  return {
    metrics: registry,
    stop() {
      // The sequencer first: no new commands while the processor drains.
      stopping ??= (async () => {
        for (const stage of [...stages].reverse()) await stage.stop();
        await pool.end();
        logger.info('pricing stopped');
      })();
      return stopping;
    },
  };
}
