// Stage 2: folds pricing.commands into ticks. One writer per player: each
// partition of pricing.commands has one owner. On assignment, state comes back
// from pricing.snapshots (each player's state with the command offset it
// reflects) and consumption resumes at the committed offset; commands a
// player's snapshot already reflects are skipped for that player. How a batch
// becomes durable depends on the delivery mode (delivery.ts, processor-output.ts).
import type { PricingDecider, PlayerPriceState } from '@inplay/domain';
import { createProducer, decodeBatch, topicName, type Kafka, type Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import type { EachBatchPayload } from 'kafkajs';
import type { PricingCommandRecord } from './commands';
import type { DeliveryTuning } from './delivery';
import { foldCommands, type FoldResult } from './fold';
import type { PricingMetrics } from './metrics';
import { processorOutput } from './processor-output';
import { restoreFromSnapshots } from './snapshot-restore';
import { consumerSettings, trackBatch, type ConsumerTuning } from './tuning';

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
  delivery: DeliveryTuning;
  logger: Logger;
  metrics: PricingMetrics;
  /** Wall clock for the latency metric and the snapshot schedule only; the model never sees it. */
  clock: () => number;
  onFatal: (err: unknown) => void;
}

export interface Stage {
  stop(): Promise<void>;
}

interface HeldPartition {
  players: Map<string, PlayerPriceState>;
  /** Per player, the offset its restored snapshot reflects; dropped once the partition has passed them all. */
  reflected: Map<string, number>;
  reflectedUpTo: number;
}

export async function startProcessor(o: ProcessorOptions): Promise<Stage> {
  const inputTopic = topicName(o.inputPrefix, 'pricing.commands');
  const held = new Map<number, HeldPartition>();
  const deadLetters = createProducer(o.kafka);
  await deadLetters.connect();
  const consumer = o.kafka.consumer(consumerSettings(o.groupId, o.tuning));
  const output = processorOutput({
    kafka: o.kafka, serde: o.serde, outputPrefix: o.outputPrefix, groupId: o.groupId, delivery: o.delivery, logger: o.logger, clock: o.clock,
    commitOffset: (partition, offset) => consumer.commitOffsets([{ topic: inputTopic, partition, offset }]),
    onFatal: o.onFatal,
  });
  let restoring: Promise<void> = Promise.resolve();
  let stopping = false;
  const inFlight = new Set<Promise<void>>();

  // GROUP_JOIN is the only assignment hook kafkajs has; it fires before the first fetch of the new generation.
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = payload.memberAssignment[inputTopic] ?? [];
    const previous = restoring;
    restoring = previous.then(() => takeOver(o, output, held, assigned)).catch((err: unknown) => {
      o.onFatal(err);
      throw err;
    });
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) o.onFatal(payload.error);
  });

  async function processBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    await restoring;
    if (stopping) return; // not resolved: the next owner (or this one, restarted) reads it again
    const partition = held.get(batch.partition);
    if (!partition) throw new Error(`batch for ${batch.topic}[${batch.partition}] which this processor does not hold`);
    const records = await decodeBatch<PricingCommandRecord>({ batch, heartbeat }, o.serde, deadLetters, o.outputPrefix, { onDeadLetter: o.metrics.deadLetters });
    const commands = records.map((r) => ({ offset: r.offset, command: r.value }));
    const fold = foldCommands(o.decider, partition.players, commands, partition.reflected);
    await output.write(fold, { groupId: o.groupId, topic: batch.topic, partition: batch.partition, lastOffset: batch.lastOffset() });
    partition.players = fold.players; // only once durable: a failed batch is retried from the old state
    if (partition.reflected.size > 0 && Number(batch.lastOffset()) >= partition.reflectedUpTo) partition.reflected = new Map();
    resolveOffset(batch.lastOffset());
    recordFold(o, fold, batch.messages.length);
    await heartbeat();
  }

  await consumer.connect();
  await consumer.subscribe({ topic: inputTopic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: o.tuning.partitionsConsumedConcurrently,
    eachBatch: (payload) => trackBatch(inFlight, processBatch(payload), o.onFatal),
  });

  return {
    async stop() {
      // Finish the batches in flight, then snapshot and commit while the group still lets this member commit.
      stopping = true;
      consumer.pause([{ topic: inputTopic }]);
      await Promise.allSettled([...inFlight]);
      await restoring.catch(() => undefined);
      await output.drain();
      await consumer.disconnect();
      await output.close();
      held.clear();
      await deadLetters.disconnect();
    },
  };
}

/** Metrics and logs of one folded batch. */
function recordFold(o: ProcessorOptions, fold: FoldResult, batchSize: number): void {
  const now = o.clock();
  o.metrics.batchSize.observe({ stage: 'processor' }, batchSize);
  for (const [kind, n] of Object.entries(fold.commandsByKind)) if (n > 0) o.metrics.commandsProcessed.inc({ kind }, n);
  const ticksByCause = new Map<string, number>();
  for (const tick of fold.ticks) ticksByCause.set(tick.cause, (ticksByCause.get(tick.cause) ?? 0) + 1);
  for (const [cause, n] of ticksByCause) o.metrics.ticks.inc({ cause }, n); // once per cause: a labelled inc per tick showed in profiles
  for (const r of fold.rejections) {
    o.metrics.rejections.inc({ code: r.code });
    o.logger.warn({ offset: r.offset, playerId: r.playerId, code: r.code, detail: r.detail }, 'pricing command rejected');
  }
  for (const tick of fold.ticks) if (tick.cause === 'EVENT') o.metrics.eventToTickLatencyMs.observe(now - tick.tickedAt);
}

/** A new assignment: forget what was held, let the output take the partitions over, restore each partition's players from its snapshots. */
async function takeOver(o: ProcessorOptions, output: ReturnType<typeof processorOutput>, held: Map<number, HeldPartition>, partitions: number[]): Promise<void> {
  const startedAt = o.clock();
  held.clear();
  await output.takeOver(partitions);
  const restored = await restoreFromSnapshots(o.kafka, o.serde, topicName(o.outputPrefix, 'pricing.snapshots'), partitions, o.groupId);
  for (const partition of partitions) {
    const r = restored.get(partition);
    const reflected = r?.reflectedOffsets ?? new Map<string, number>();
    held.set(partition, { players: r?.players ?? new Map(), reflected, reflectedUpTo: Math.max(-1, ...reflected.values()) });
  }
  const players = [...held.values()].reduce((n, h) => n + h.players.size, 0);
  o.logger.info({ partitions, players, delivery: o.delivery.mode, durationMs: o.clock() - startedAt }, 'pricing processor took over partitions from snapshots');
}
