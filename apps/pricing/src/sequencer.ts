// Stage 1: turns the interleaved inputs (match.events keyed by match, trades
// keyed by player, the drift beat) into one ordered log per player,
// pricing.commands, as soon as they arrive. Transactional delivery: per input
// batch, one transaction holds the commands and the consumed offset
// (transactional id per input partition). Idempotent delivery: one idempotent
// producer; input offsets are committed every offsetCommitIntervalMs once their
// commands are acknowledged, so a crash only repeats commands, which the
// decider drops by event and trade id. The drift beat puts time itself into the
// log, so the processor never reads a clock.
import type { MatchEvent, Trade } from '@inplay/contracts';
import type { Roster } from '@inplay/domain';
import { batchingSender, createProducer, decodeBatch, keyedPartitioner, recordSender, topicName, type Kafka, type Producer, type Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import type { EachBatchPayload } from 'kafkajs';
import { driftCommand, matchEventCommands, tradeCommand, type KeyedCommand } from './commands';
import type { PricingMetrics } from './metrics';
import type { Stage } from './processor';
import type { RosterStore } from './roster-store';
import type { DeliveryTuning } from './delivery';
import { encodeInChunks, PRICING_BATCHING } from './outputs';
import { commitBatchTransaction, createTransactionalProducer, type ConsumedBatch } from './transactional-batch';
import { consumerSettings, trackBatch, type ConsumerTuning } from './tuning';

/** Rosters kept in memory (a few live matches at a time; the oldest goes first). */
export const ROSTER_CACHE_LIMIT = 1_000;

export interface SequencerOptions {
  kafka: Kafka;
  serde: Serde;
  prefix: string;
  groupId: string;
  rosters: RosterStore;
  /** Every this many ms, one DRIFT per partition of pricing.commands. */
  driftIntervalMs: number;
  /** The only clock of pricing: it stamps the drift beat. */
  clock: () => number;
  tuning: ConsumerTuning;
  delivery: DeliveryTuning;
  logger: Logger;
  metrics: PricingMetrics;
  onFatal: (err: unknown) => void;
}

export class RosterMissingError extends Error {
  constructor(matchId: string) {
    super(`match ${matchId} has no roster in Postgres (matches/players): feed-ingest writes it before the match's first event`);
    this.name = 'RosterMissingError';
  }
}

export async function startSequencer(o: SequencerOptions): Promise<Stage> {
  const inputs = { events: topicName(o.prefix, 'match.events'), trades: topicName(o.prefix, 'trades') };
  const commandsTopic = topicName(o.prefix, 'pricing.commands');
  // Also the commands' idempotent producer: the same few thousand player keys over and over.
  const deadLetters = createProducer(o.kafka, { createPartitioner: keyedPartitioner });
  await deadLetters.connect();
  const rosterFor = rosterLookup(o.rosters);
  const commands = commandWriter(o, deadLetters);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  async function commitAcknowledged(): Promise<void> {
    const offsets = commands.takeAcknowledged();
    if (offsets.length > 0) await consumer.commitOffsets(offsets);
  }

  async function sequenceBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    if (stopping) return; // not resolved: read again after the restart
    const isEvents = batch.topic === inputs.events;
    const records = await decodeBatch<MatchEvent | Trade>({ batch, heartbeat }, o.serde, deadLetters, o.prefix, { onDeadLetter: o.metrics.deadLetters });
    const keyed: KeyedCommand[] = [];
    for (const r of records) {
      if (isEvents) keyed.push(...matchEventCommands(r.value as MatchEvent, await rosterFor(r.value as MatchEvent)));
      else keyed.push(tradeCommand(r.value as Trade));
    }
    await commands.write(keyed, { groupId: o.groupId, topic: batch.topic, partition: batch.partition, lastOffset: batch.lastOffset() });
    resolveOffset(batch.lastOffset());
    o.metrics.batchSize.observe({ stage: 'sequencer' }, batch.messages.length);
    o.metrics.sequencedRecords.inc({ topic: isEvents ? 'match.events' : 'trades' }, records.length);
    await heartbeat();
  }

  const consumer = o.kafka.consumer(consumerSettings(o.groupId, o.tuning));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) o.onFatal(payload.error);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [inputs.events, inputs.trades], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: o.tuning.partitionsConsumedConcurrently,
    eachBatch: (payload) => trackBatch(inFlight, sequenceBatch(payload), o.onFatal),
  });
  // A failed commit only means a longer replay (of commands the decider drops): worth a warning, not a crash.
  const committing = setInterval(() => {
    commitAcknowledged().catch((err: unknown) => o.logger.warn({ err }, 'pricing sequencer could not commit its input offsets'));
  }, o.delivery.offsetCommitIntervalMs);

  const drift = await startDriftBeat(o, commandsTopic);
  return {
    async stop() {
      await drift.stop();
      clearInterval(committing);
      stopping = true;
      consumer.pause([{ topic: inputs.events }, { topic: inputs.trades }]);
      await Promise.allSettled([...inFlight]); // transactional: each commits its own offset
      await commitAcknowledged();
      await consumer.disconnect();
      await commands.stop();
      await deadLetters.disconnect();
    },
  };
}

/** The roster of an event's match, cached (the oldest goes first) and reloaded at every kick-off. */
function rosterLookup(rosters: RosterStore): (event: MatchEvent) => Promise<Roster> {
  const cache = new Map<string, Roster>();
  return async (event) => {
    const cached = cache.get(event.matchId);
    if (cached && event.type !== 'KICK_OFF') return cached;
    const roster = await rosters.rosterOf(event.matchId);
    if (!roster) throw new RosterMissingError(event.matchId);
    cache.delete(event.matchId);
    cache.set(event.matchId, roster);
    const oldest = cache.keys().next().value;
    if (cache.size > ROSTER_CACHE_LIMIT && oldest !== undefined) cache.delete(oldest);
    return roster;
  };
}

/**
 * Writes a batch's commands to pricing.commands. Transactional delivery: one
 * transaction per input batch holding the commands and the consumed offset,
 * with one stable transactional id per input partition (a restarted owner
 * fences its zombie). Idempotent delivery: through the stage's idempotent
 * producer, the input offset acknowledged once the commands are.
 */
function commandWriter(o: SequencerOptions, idempotent: Producer) {
  const producers = new Map<string, Producer>();
  const commandsOut = batchingSender(idempotent, PRICING_BATCHING);
  /** Idempotent delivery: next offset to commit per input partition, once its commands are acknowledged. */
  const acknowledged = new Map<string, { topic: string; partition: number; offset: string }>();
  async function producerFor(topic: string, partition: number): Promise<Producer> {
    const id = `${o.groupId}-${topic}-${partition}`;
    let producer = producers.get(id);
    if (!producer) {
      producer = createTransactionalProducer(o.kafka, id);
      await producer.connect();
      producers.set(id, producer);
    }
    return producer;
  }
  return {
    async write(records: KeyedCommand[], consumed: ConsumedBatch): Promise<void> {
      if (o.delivery.mode === 'transactional') {
        await commitBatchTransaction(await producerFor(consumed.topic, consumed.partition), o.serde, o.prefix, { 'pricing.commands': records }, consumed);
        return;
      }
      const chunks = await encodeInChunks(o.serde, o.prefix, { 'pricing.commands': records });
      await Promise.all(chunks.map((topicMessages) => commandsOut.send(topicMessages)));
      const nextOffset = (BigInt(consumed.lastOffset) + 1n).toString();
      acknowledged.set(`${consumed.topic}:${consumed.partition}`, { topic: consumed.topic, partition: consumed.partition, offset: nextOffset });
    },
    /** The input offsets whose commands are acknowledged since the last call (idempotent delivery). */
    takeAcknowledged(): { topic: string; partition: number; offset: string }[] {
      const offsets = [...acknowledged.values()];
      acknowledged.clear();
      return offsets;
    },
    async stop(): Promise<void> {
      for (const producer of producers.values()) await producer.disconnect();
    },
  };
}

/**
 * Appends DRIFT {now} to every partition of pricing.commands on a timer.
 * Idempotent, not transactional: a repeated beat is harmless (the decider
 * spaces drift ticks by time), and non-transactional records are visible to
 * read-committed readers at once.
 */
async function startDriftBeat(o: SequencerOptions, commandsTopic: string): Promise<Stage> {
  const admin = o.kafka.admin();
  await admin.connect();
  const metadata = await admin.fetchTopicMetadata({ topics: [commandsTopic] });
  await admin.disconnect();
  const partitions = metadata.topics[0]?.partitions.map((p) => p.partitionId).sort((a, b) => a - b) ?? [];
  if (partitions.length === 0) throw new Error(`${commandsTopic} has no partitions: create the topics first`);
  const producer = createProducer(o.kafka);
  await producer.connect();
  const sender = recordSender(producer, o.serde, o.prefix);
  let beating: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (beating) return; // the broker is slower than the beat: skip one rather than pile up
    const { key, value } = driftCommand(o.clock());
    beating = sender
      .send('pricing.commands', partitions.map((partition) => ({ key, value, partition })))
      .catch((err: unknown) => o.onFatal(err))
      .finally(() => { beating = null; });
  }, o.driftIntervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await (beating ?? Promise.resolve());
      await producer.disconnect();
    },
  };
}
