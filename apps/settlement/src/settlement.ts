// Settlement wired together: price table from price.ticks, the consumer group
// on orders (decide in memory, guard in the database), and the outbox relay.
import { createPool } from '@inplay/db';
import { DEFAULT_FAIRNESS_SETTINGS, DEFAULT_SETTLEMENT_CONFIG, policyForMatch, settlementDecider, type FairnessPolicyConfig, type FairnessSettings } from '@inplay/domain';
import { connectServiceKafka, topicName, type OnDeadLetter, type KafkaSecurity, type RegistryAuth } from '@inplay/kafka';
import { createLogger, type Logger } from '@inplay/telemetry';
import { startLateEventVoids } from './late-event-voids';
import { startOrdersConsumer, type SettlementTiming } from './orders-consumer';
import { startPendingExecutor } from './pending-executor';
import { startOutboxRelay } from './outbox-relay';
import type { RideOutOptions } from './ride-out';
import { startPriceTable, type PriceTable } from './price-table';
import type { SettledBatch } from './settle-orders';
import { settlementStrategy, type StrategyName } from './strategies';

export const SETTLEMENT_GROUP_ID = 'settlement';
/** How long start-up waits for the price table to catch up with price.ticks. */
export const PRICE_TABLE_READY_TIMEOUT_MS = 60_000;

export interface SettlementOptions {
  brokers: string[];
  /** The key the gateway signs `orders` records with (ORDER_SIGNING_KEY): a record without its signature is dead-lettered as forged, never settled. */
  orderSigningKey: string;
  /** The service's Kafka principal and TLS (KAFKA_SASL_*, KAFKA_TLS_CA_FILE); empty for a broker without authentication. */
  kafkaSecurity?: KafkaSecurity | undefined;
  registryUrl: string;
  /** The registry writer's credentials (SCHEMA_REGISTRY_USER/PASSWORD); without them (production) schemas are only looked up. */
  registryAuth?: RegistryAuth;
  databaseUrl: string;
  topicPrefix?: string;
  strategy?: StrategyName;
  maxPriceAgeMs?: number;
  /** The deployment's fairness policy and per-match overrides (default: trade lock everywhere). */
  fairness?: FairnessSettings;
  /** How often due delayed / sealed-batch orders are looked for, and how long after their time they wait for late ticks. */
  pendingPollMs?: number;
  pendingGraceMs?: number;
  logger?: Logger;
  /** Called when a background part fails; default: log and exit 1 (crash loudly). */
  onFatal?: (err: Error) => void;
  onSettled?: (batch: SettledBatch, timing: SettlementTiming) => void;
  /** Called before a batch's transaction is run again (metrics). */
  onRetry?: (err: Error, attempt: number) => void;
  /** Called before a background worker (relay, pending executor, voids) retries after meeting Postgres, Kafka or the registry away (metrics). */
  onDependencyRetry?: RideOutOptions['onRetry'];
  /** Called for each record of orders or price.ticks sent to dead.letter (metrics: the alert). */
  onDeadLetter?: OnDeadLetter;
  /** Called with the rows of each round trip the outbox relay published (metrics). */
  onRelayed?: (rows: number) => void;
  /** Orders settled per transaction at most (default MAX_ORDERS_PER_TRANSACTION). */
  maxOrdersPerTransaction?: number;
  /** Outbox rows published per round trip at most (default OUTBOX_BATCH_ROWS). */
  outboxBatchRows?: number;
  /** Overrides the clock (tests). */
  now?: () => number;
}

export interface OutboxBacklog {
  unsentRows: number;
  /** Age of the oldest row not yet published; 0 when the outbox is drained. */
  oldestUnsentAgeMs: number;
}

export interface RunningSettlement {
  prices: PriceTable;
  /** What the outbox relay has still to publish (the /metrics outbox lag). */
  outboxBacklog(): Promise<OutboxBacklog>;
  stop(): Promise<void>;
}

export async function startSettlement(options: SettlementOptions): Promise<RunningSettlement> {
  for (const [name, value] of [['maxOrdersPerTransaction', options.maxOrdersPerTransaction], ['outboxBatchRows', options.outboxBatchRows]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  const prefix = options.topicPrefix ?? '';
  const logger = options.logger ?? createLogger('settlement');
  const onFatal = options.onFatal ?? ((err: Error) => { logger.fatal({ err }, 'settlement failed'); process.exit(1); });
  const { kafka, serde, producer } = await connectServiceKafka({ service: 'settlement', brokers: options.brokers, security: options.kafkaSecurity, registryUrl: options.registryUrl, prefix, ...(options.registryAuth ? { registryAuth: options.registryAuth } : {}) });
  const pool = createPool(options.databaseUrl, { max: 8, applicationName: 'settlement' });
  const prices = await startPriceTable({ kafka, serde, deadLetters: producer, prefix, onDeadLetter: options.onDeadLetter });
  await Promise.race([
    prices.ready,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`price table not loaded after ${PRICE_TABLE_READY_TIMEOUT_MS} ms`)), PRICE_TABLE_READY_TIMEOUT_MS).unref()),
  ]);
  const onRetry = options.onDependencyRetry ? { onRetry: options.onDependencyRetry } : {};
  const relay = startOutboxRelay({
    pool, producer, serde, prefix, logger, onError: onFatal, ...onRetry,
    ...(options.outboxBatchRows !== undefined ? { batchRows: options.outboxBatchRows } : {}),
    ...(options.onRelayed ? { onRelayed: options.onRelayed } : {}),
  });
  const strategy = settlementStrategy(options.strategy ?? 'atomic-guard');
  const fairness = options.fairness ?? DEFAULT_FAIRNESS_SETTINGS;
  const policyOf = (playerId: string): FairnessPolicyConfig => policyForMatch(fairness, prices.matchOf(playerId));
  const now = options.now ?? Date.now;
  const settle = {
    decider: settlementDecider({ maxPriceAgeMs: options.maxPriceAgeMs ?? DEFAULT_SETTLEMENT_CONFIG.maxPriceAgeMs, fairness: policyOf }),
    strategy,
    prices: (playerId: string) => prices.get(playerId),
    history: (playerId: string) => prices.history(playerId),
    policyOf,
    now,
    resultsTopic: topicName(prefix, 'order.results'),
    tradesTopic: topicName(prefix, 'trades'),
  };
  const voids = startLateEventVoids({ pool, decider: settle.decider, policyOf, now, resultsTopic: settle.resultsTopic, logger, onVoided: () => relay.wake(), onError: onFatal, ...onRetry });
  prices.onTick((tick) => voids.offer(tick));
  const pending = startPendingExecutor({
    pool, settle, logger, onError: onFatal, ...onRetry,
    ...(options.pendingPollMs !== undefined ? { pollMs: options.pendingPollMs } : {}),
    ...(options.pendingGraceMs !== undefined ? { graceMs: options.pendingGraceMs } : {}),
    onSettled: (batch) => { relay.wake(); options.onSettled?.(batch, { durationMs: 0, attempts: 1 }); },
  });
  const consumer = await startOrdersConsumer({
    kafka, pool, serde, deadLetters: producer, prefix, groupId: `${prefix}${SETTLEMENT_GROUP_ID}`, logger,
    orderSigningKey: options.orderSigningKey, settle, onDeadLetter: options.onDeadLetter,
    onSettled: (batch, timing) => { relay.wake(); options.onSettled?.(batch, timing); },
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.maxOrdersPerTransaction !== undefined ? { maxOrdersPerTransaction: options.maxOrdersPerTransaction } : {}),
  });
  // A batch that kept failing (Postgres or the registry away past kafkajs' retries) restarts the
  // consumer, which resumes from the offsets stored in Postgres; only a crash kafkajs gives up on is fatal.
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) onFatal(event.payload.error);
    else logger.warn({ err: event.payload.error.message }, 'orders consumer failed; kafkajs restarts it');
  });
  logger.info({ strategy: strategy.name, prefix, fairness }, 'settlement running');
  return {
    prices,
    async outboxBacklog() {
      const { rows } = await pool.query<{ n: string; age_ms: string | null }>(
        `SELECT count(*) AS n, (extract(epoch FROM now() - min(created_at)) * 1000)::bigint AS age_ms FROM outbox WHERE sent_at IS NULL`);
      return { unsentRows: Number(rows[0]?.n ?? 0), oldestUnsentAgeMs: Math.max(0, Number(rows[0]?.age_ms ?? 0)) };
    },
    async stop() {
      await consumer.disconnect();
      await pending.stop();
      await voids.stop();
      await prices.stop();
      await relay.stop();
      await producer.disconnect();
      await pool.end();
    },
  };
}
