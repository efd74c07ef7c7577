// Everything the gateway reads from Kafka, in one consumer of a group of its
// own (unique per instance and start: every instance gets every record).
// Start positions: price.latest and leaderboard from the beginning (compacted:
// the latest per key), price.ticks a bounded window back (fills the resume
// ring buffers; the seq dedupes the overlap), order.results from the end.
// `bootstrapped` resolves once the first three reach the end offsets taken at start.
// A batch the registry could not decode fails whole (kafkajs reads it again,
// restarting the consumer if it must); a restarted consumer resumes where this
// one got to, not from those start positions again.
import { randomUUID } from 'node:crypto';
import type { LatestPrice, LeaderboardSnapshot, MatchEvent, OrderResult, PriceTick, TopicName } from '@inplay/contracts';
import { decodeWithRetry, RegistryUnavailableError, topicName, waitForGroupCoordinator, type Kafka, type Serde } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import type { GatewayMetrics } from '../metrics';

export interface FeedHandlers {
  /** `live` is false while bootstrapping (the only time the gateway needs price.latest). */
  onLatest(latest: LatestPrice, live: boolean): void;
  /** `appendedAtMs` is the record timestamp; `live` is false while bootstrapping. */
  onTick(tick: PriceTick, appendedAtMs: number, live: boolean): void;
  onOrderResult(result: OrderResult): void;
  onLeaderboard(board: LeaderboardSnapshot): void;
  onMatchEvent(event: MatchEvent, live: boolean): void;
}

export interface FeedOptions {
  kafka: Kafka;
  serde: Serde;
  prefix: string;
  serverId: string;
  rewindTicksPerPartition: number;
  bootstrapTimeoutMs: number;
  logger: Logger;
  metrics: GatewayMetrics;
  handlers: FeedHandlers;
}

export interface KafkaFeed {
  stop(): Promise<void>;
}

/** How long the broker may hold an empty fetch: bounds shutdown time, not latency. */
const FETCH_MAX_WAIT_MS = 250;
const READ: readonly TopicName[] = ['price.latest', 'leaderboard', 'price.ticks', 'order.results', 'match.events'];
/** Match events read back at start per partition, for the score and the ticker of pages that load mid-match. */
const MATCH_EVENTS_REWIND = 500n;

/** Starts consuming; resolves once the bootstrap is complete (latest prices, boards and the tick window are in memory). */
export async function startKafkaFeed(options: FeedOptions): Promise<KafkaFeed> {
  const { kafka, serde, prefix, logger, metrics, handlers } = options;
  const names = Object.fromEntries(READ.map((t) => [t, topicName(prefix, t)])) as Record<TopicName, string>;
  const ends = await endOffsets(kafka, READ.map((t) => names[t]));
  await waitForGroupCoordinator(kafka);

  const { pending, seeks } = startPositions(ends, names, options.rewindTicksPerPartition);

  const consumer = kafka.consumer({ groupId: `${prefix}gateway.${options.serverId}.${randomUUID()}`, maxWaitTimeInMs: FETCH_MAX_WAIT_MS, allowAutoTopicCreation: false });
  let live = false;
  let markBootstrapped: () => void = () => undefined;
  const bootstrapped = new Promise<void>((resolve) => { markBootstrapped = resolve; });
  const progress = (topic: string, partition: number, lastOffset: string): void => {
    const key = `${topic}:${partition}`;
    const end = pending.get(key);
    if (end !== undefined && BigInt(lastOffset) + 1n >= end) pending.delete(key);
    if (pending.size === 0) markBootstrapped();
  };
  // Emitted for every batch, including those holding only transaction markers, which never reach eachBatch.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => progress(payload.topic, payload.partition, payload.lastOffset));
  // The group is throwaway and never commits, so a consumer kafkajs restarts (after a batch failed
  // for good, e.g. the registry away for longer than the decode retries) would start from the
  // beginning: on every join, seek to where we are instead. The first join seeks to the start positions.
  const positions = new Map(seeks.map((s) => [`${s.topic}:${s.partition}`, s]));
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const seek of positions.values()) consumer.seek(seek);
  });

  const decodeOrSkip = async (buffer: Buffer, topic: TopicName, partition: number, offset: string, heartbeat: () => Promise<void>): Promise<unknown> => {
    try {
      return await decodeWithRetry(serde, buffer, { heartbeat });
    } catch (err) {
      if (err instanceof RegistryUnavailableError) {
        logger.warn({ err: err.message, topic, partition, offset }, 'schema registry unavailable; the batch will be read again');
        throw err;
      }
      // A fan-out reader with a throwaway group: the owning consumer dead-letters; we count, log and skip.
      metrics.undecodableRecords.inc({ topic });
      logger.error({ err, topic, partition, offset }, 'skipping a record that cannot be decoded');
      return undefined;
    }
  };

  await consumer.connect();
  await consumer.subscribe({ topics: READ.map((t) => names[t]), fromBeginning: true });
  await consumer.run({
    // The group is throwaway (fresh per start, positions set by seek): committing would only cost an
    // awaited OffsetCommit round trip after every partition batch (kafkajs autoCommit), on the hot path.
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
      const topic = batch.topic.slice(prefix.length) as TopicName;
      let dispatched: string | null = null;
      try {
        for (const message of batch.messages) {
          const value = message.value ? await decodeOrSkip(message.value, topic, batch.partition, message.offset, heartbeat) : undefined;
          if (value !== undefined) dispatch(handlers, topic, value, Number(message.timestamp), live);
          // Record by record: a batch failed further on is read again after the last one handled.
          resolveOffset(message.offset);
          dispatched = message.offset;
        }
      } finally {
        if (dispatched !== null) positions.set(`${batch.topic}:${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: String(BigInt(dispatched) + 1n) });
      }
    },
  });
  for (const seek of seeks) consumer.seek(seek);
  if (pending.size === 0) markBootstrapped();

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      bootstrapped,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`bootstrap from Kafka took longer than ${options.bootstrapTimeoutMs} ms; still reading ${[...pending.keys()].join(', ')}`)), options.bootstrapTimeoutMs);
      }),
    ]);
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  live = true;
  logger.info({ topics: READ }, 'bootstrapped from Kafka');
  return { stop: () => consumer.disconnect() };
}

async function endOffsets(kafka: Kafka, topics: string[]): Promise<Map<string, { partition: number; low: bigint; high: bigint }[]>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, { partition: number; low: bigint; high: bigint }[]>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      out.set(topic, offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) })));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

type Offsets = Map<string, { partition: number; low: bigint; high: bigint }[]>;

/**
 * Where each partition starts, and which must be read up to their start-time
 * end before we count as bootstrapped: price.latest and leaderboard from the
 * beginning (compacted), price.ticks a bounded window back, match.events a few
 * hundred back, order.results from the end.
 */
function startPositions(ends: Offsets, names: Record<TopicName, string>, rewindTicksPerPartition: number) {
  const pending = new Map<string, bigint>();
  const seeks: { topic: string; partition: number; offset: string }[] = [];
  const back = (p: { low: bigint; high: bigint }, n: bigint): bigint => (p.high - n > p.low ? p.high - n : p.low);
  for (const topic of [names['price.latest'], names['leaderboard']]) {
    for (const p of ends.get(topic) ?? []) if (p.high > p.low) pending.set(`${topic}:${p.partition}`, p.high);
  }
  for (const p of ends.get(names['price.ticks']) ?? []) {
    const from = back(p, BigInt(rewindTicksPerPartition));
    seeks.push({ topic: names['price.ticks'], partition: p.partition, offset: String(from) });
    if (p.high > from) pending.set(`${names['price.ticks']}:${p.partition}`, p.high);
  }
  for (const p of ends.get(names['match.events']) ?? []) seeks.push({ topic: names['match.events'], partition: p.partition, offset: String(back(p, MATCH_EVENTS_REWIND)) });
  for (const p of ends.get(names['order.results']) ?? []) seeks.push({ topic: names['order.results'], partition: p.partition, offset: String(p.high) });
  return { pending, seeks };
}

function dispatch(handlers: FeedHandlers, topic: TopicName, value: unknown, appendedAtMs: number, live: boolean): void {
  if (topic === 'price.ticks') handlers.onTick(value as PriceTick, appendedAtMs, live);
  else if (topic === 'price.latest') handlers.onLatest(value as LatestPrice, live);
  else if (topic === 'order.results') handlers.onOrderResult(value as OrderResult);
  else if (topic === 'leaderboard') handlers.onLeaderboard(value as LeaderboardSnapshot);
  else if (topic === 'match.events') handlers.onMatchEvent(value as MatchEvent, live);
}
