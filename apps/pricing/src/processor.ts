// Stage 2: folds pricing.commands into ticks. One writer per player: each
// partition of pricing.commands has one owner and one transactional producer
// (stable id per partition, so a zombie owner is fenced). Per batch, one
// transaction holds the ticks, the latest prices, the touched players'
// snapshots and the consumed offset. On assignment, state comes back from
// pricing.snapshots and consumption resumes at the committed offset.
import type { LatestPrice, PriceTick } from '@inplay/contracts';
import type { PricingDecider, PlayerPriceState } from '@inplay/domain';
import { createProducer, decodeBatch, topicName, type Kafka, type OutgoingRecord, type Producer, type Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import type { EachBatchPayload } from 'kafkajs';
import { foldCommands, type FoldResult } from './fold';
import type { PricingMetrics } from './metrics';
import type { PricingCommandRecord } from './commands';
import { toSnapshot } from './snapshot-codec';
import { restoreFromSnapshots } from './snapshot-restore';
import { commitBatchTransaction, createTransactionalProducer } from './transactional-batch';
import { consumerSettings, isKafkaClientError, type ConsumerTuning } from './tuning';

export interface ProcessorOptions {
  kafka: Kafka;
  /** Encodes outputs under outputPrefix; decodes anything. */
  serde: Serde;
  /** Prefix of pricing.commands (the input). */
  inputPrefix: string;
  /** Prefix of price.ticks, price.latest, pricing.snapshots and dead.letter: a replay can write elsewhere. */
  outputPrefix: string;
  groupId: string;
  decider: PricingDecider;
  tuning: ConsumerTuning;
  logger: Logger;
  metrics: PricingMetrics;
  /** Wall clock for the latency metric only; the model never sees it. */
  clock: () => number;
  onFatal: (err: unknown) => void;
}

export interface Stage {
  stop(): Promise<void>;
}

interface HeldPartition {
  producer: Producer;
  players: Map<string, PlayerPriceState>;
}

export async function startProcessor(o: ProcessorOptions): Promise<Stage> {
  const inputTopic = topicName(o.inputPrefix, 'pricing.commands');
  const snapshotTopic = topicName(o.outputPrefix, 'pricing.snapshots');
  const held = new Map<number, HeldPartition>();
  const deadLetters = createProducer(o.kafka);
  await deadLetters.connect();
  const consumer = o.kafka.consumer(consumerSettings(o.groupId, o.tuning));
  let restoring: Promise<void> = Promise.resolve();

  // GROUP_JOIN is the only assignment hook kafkajs has; it fires before the first fetch of the new generation.
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = payload.memberAssignment[inputTopic] ?? [];
    const previous = restoring;
    restoring = previous.then(() => takeOver(assigned)).catch((err: unknown) => {
      o.onFatal(err);
      throw err;
    });
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) o.onFatal(payload.error);
  });

  async function takeOver(partitions: number[]): Promise<void> {
    const startedAt = o.clock();
    for (const [partition, h] of held) {
      await h.producer.disconnect();
      held.delete(partition);
    }
    // Connecting a producer with the partition's transactional id fences the previous owner and aborts its open transaction.
    const producers = new Map<number, Producer>();
    for (const partition of partitions) {
      const producer = createTransactionalProducer(o.kafka, `${o.groupId}-${partition}`);
      await producer.connect();
      producers.set(partition, producer);
    }
    const restored = await restoreFromSnapshots(o.kafka, o.serde, snapshotTopic, partitions, o.groupId);
    for (const [partition, producer] of producers) held.set(partition, { producer, players: restored.get(partition) ?? new Map() });
    const players = [...held.values()].reduce((n, h) => n + h.players.size, 0);
    o.logger.info({ partitions, players, durationMs: o.clock() - startedAt }, 'pricing processor took over partitions from snapshots');
  }

  async function processBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    await restoring;
    const partition = held.get(batch.partition);
    if (!partition) throw new Error(`batch for ${batch.topic}[${batch.partition}] which this processor does not hold`);
    const records = await decodeBatch<PricingCommandRecord>({ batch }, o.serde, deadLetters, o.outputPrefix);
    const fold = foldCommands(o.decider, partition.players, records.map((r) => ({ offset: r.offset, command: r.value })));
    await commitBatchTransaction(partition.producer, o.serde, o.outputPrefix, outputsOf(fold, batch.partition), {
      groupId: o.groupId,
      topic: batch.topic,
      partition: batch.partition,
      lastOffset: batch.lastOffset(),
    });
    partition.players = fold.players; // only once committed: a failed batch is retried from the old state
    resolveOffset(batch.lastOffset());
    record(fold, batch.messages.length);
    await heartbeat();
  }

  function record(fold: FoldResult, batchSize: number): void {
    const now = o.clock();
    o.metrics.batchSize.observe({ stage: 'processor' }, batchSize);
    for (const [kind, n] of Object.entries(fold.commandsByKind)) if (n > 0) o.metrics.commandsProcessed.inc({ kind }, n);
    for (const tick of fold.ticks) o.metrics.ticks.inc({ cause: tick.cause });
    for (const r of fold.rejections) {
      o.metrics.rejections.inc({ code: r.code });
      o.logger.warn({ offset: r.offset, playerId: r.playerId, code: r.code, detail: r.detail }, 'pricing command rejected');
    }
    for (const tick of fold.ticks) if (tick.cause === 'EVENT') o.metrics.eventToTickLatencyMs.observe(now - tick.tickedAt);
  }

  await consumer.connect();
  await consumer.subscribe({ topic: inputTopic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: o.tuning.partitionsConsumedConcurrently,
    eachBatch: async (payload) => {
      try {
        await processBatch(payload);
      } catch (err) {
        if (!isKafkaClientError(err)) o.onFatal(err);
        throw err;
      }
    },
  });

  return {
    async stop() {
      await consumer.disconnect(); // waits for the batch in flight to commit
      await restoring.catch(() => undefined);
      for (const h of held.values()) await h.producer.disconnect();
      held.clear();
      await deadLetters.disconnect();
    },
  };
}

/** Ticks keyed by player; the latest price and a snapshot of each touched player, in the partition of its commands. */
function outputsOf(fold: FoldResult, partition: number) {
  const lastTicks = new Map<string, PriceTick>();
  for (const tick of fold.ticks) lastTicks.set(tick.playerId, tick);
  return {
    'price.ticks': fold.ticks.map((tick): OutgoingRecord<'price.ticks'> => ({ key: tick.playerId, value: tick })),
    'price.latest': [...lastTicks.values()].map((tick): OutgoingRecord<'price.latest'> => ({ key: tick.playerId, value: latestPriceOf(tick) })),
    'pricing.snapshots': [...fold.touched].map(([playerId, t]): OutgoingRecord<'pricing.snapshots'> => ({
      key: playerId,
      partition,
      value: toSnapshot(t.state, partition, t.commandOffset),
    })),
  };
}

function latestPriceOf(tick: PriceTick): LatestPrice {
  return { playerId: tick.playerId, matchId: tick.matchId, seq: tick.seq, priceCents: tick.priceCents, lockedUntil: tick.lockedUntil, updatedAt: tick.tickedAt };
}
