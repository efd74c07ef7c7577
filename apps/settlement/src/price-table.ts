// Settlement's price table: the latest tick (price, seq, lockedUntil) per
// player, kept in memory from price.ticks. Read from the start of the topic
// under a private group id; `ready` resolves once the topic's end at start-up
// has been reached, so no order is settled against a half-loaded table.
import { randomUUID } from 'node:crypto';
import type { PriceTick } from '@inplay/contracts';
import type { PriceInForce } from '@inplay/domain';
import { decodeBatch, topicName, type Kafka, type Producer, type Serde } from '@inplay/kafka';

export interface PriceTable {
  get(playerId: string): PriceInForce | undefined;
  /** Applies a tick (older or equal seqs are ignored). Exposed for tests and tools. */
  apply(tick: PriceTick): void;
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function inMemoryPriceTable(): Pick<PriceTable, 'get' | 'apply'> {
  const prices = new Map<string, PriceInForce>();
  return {
    get: (playerId) => prices.get(playerId),
    apply(tick) {
      const known = prices.get(tick.playerId);
      if (known && known.seq >= tick.seq) return;
      prices.set(tick.playerId, { playerId: tick.playerId, priceCents: tick.priceCents, seq: tick.seq, tickedAt: tick.tickedAt, lockedUntil: tick.lockedUntil });
    },
  };
}

export async function startPriceTable(options: { kafka: Kafka; serde: Serde; deadLetters: Producer; prefix: string }): Promise<PriceTable> {
  const table = inMemoryPriceTable();
  const topic = topicName(options.prefix, 'price.ticks');
  const admin = options.kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  if (pending.size === 0) markReady();
  const consumer = options.kafka.consumer({ groupId: `${options.prefix}settlement-prices-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async (payload) => {
      for (const record of await decodeBatch<PriceTick>(payload, options.serde, options.deadLetters, options.prefix)) table.apply(record.value);
      const { batch } = payload;
      if (pending.has(batch.partition) && BigInt(batch.lastOffset()) + 1n >= (ends.get(batch.partition) ?? 0n)) {
        pending.delete(batch.partition);
        if (pending.size === 0) markReady();
      }
    },
  });
  return { ...table, ready, stop: () => consumer.disconnect() };
}
