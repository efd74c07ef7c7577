// Stage 1: turns the interleaved inputs (match.events keyed by match, trades
// keyed by player, the drift beat) into one ordered log per player,
// pricing.commands. Per input batch, one transaction holds the commands and
// the consumed offset (transactional id per input partition). The drift beat
// puts time itself into the log, so the processor never reads a clock.
import type { MatchEvent, Trade } from '@inplay/contracts';
import type { Roster } from '@inplay/domain';
import { createProducer, decodeBatch, recordSender, topicName, type Kafka, type Producer, type Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import type { EachBatchPayload } from 'kafkajs';
import { driftCommand, matchEventCommands, tradeCommand, type KeyedCommand } from './commands';
import type { PricingMetrics } from './metrics';
import type { Stage } from './processor';
import type { RosterStore } from './roster-store';
import { commitBatchTransaction, createTransactionalProducer } from './transactional-batch';
import { consumerSettings, isKafkaClientError, type ConsumerTuning } from './tuning';

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
  const producers = new Map<string, Producer>();
  const rosterCache = new Map<string, Roster>();
  const deadLetters = createProducer(o.kafka);
  await deadLetters.connect();

  async function rosterFor(event: MatchEvent): Promise<Roster> {
    const cached = rosterCache.get(event.matchId);
    if (cached && event.type !== 'KICK_OFF') return cached; // reloaded at every kick-off
    const roster = await o.rosters.rosterOf(event.matchId);
    if (!roster) throw new RosterMissingError(event.matchId);
    rosterCache.delete(event.matchId);
    rosterCache.set(event.matchId, roster);
    const oldest = rosterCache.keys().next().value;
    if (rosterCache.size > ROSTER_CACHE_LIMIT && oldest !== undefined) rosterCache.delete(oldest);
    return roster;
  }

  /** One stable transactional id per input partition: a restarted owner fences its zombie. */
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

  async function sequenceBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    const isEvents = batch.topic === inputs.events;
    const records = await decodeBatch<MatchEvent | Trade>({ batch }, o.serde, deadLetters, o.prefix);
    const commands: KeyedCommand[] = [];
    for (const r of records) {
      if (isEvents) commands.push(...matchEventCommands(r.value as MatchEvent, await rosterFor(r.value as MatchEvent)));
      else commands.push(tradeCommand(r.value as Trade));
    }
    const producer = await producerFor(batch.topic, batch.partition);
    await commitBatchTransaction(producer, o.serde, o.prefix, { 'pricing.commands': commands }, {
      groupId: o.groupId,
      topic: batch.topic,
      partition: batch.partition,
      lastOffset: batch.lastOffset(),
    });
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
    eachBatch: async (payload) => {
      try {
        await sequenceBatch(payload);
      } catch (err) {
        if (!isKafkaClientError(err)) o.onFatal(err);
        throw err;
      }
    },
  });

  const drift = await startDriftBeat(o, commandsTopic);
  return {
    async stop() {
      await drift.stop();
      await consumer.disconnect(); // waits for the batch in flight to commit
      for (const producer of producers.values()) await producer.disconnect();
      await deadLetters.disconnect();
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
