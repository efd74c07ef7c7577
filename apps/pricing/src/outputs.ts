// What the stages write, encoded for one produce request or transaction: typed
// records per topic, cut into chunks so no request exceeds the broker's
// record-batch limit. Shared by both delivery modes.
import type { LatestPrice, PriceTick, TopicName } from '@inplay/contracts';
import { topicName, type BatchingLimits, type OutgoingRecord, type Serde, type TopicRecords, type ValueTopic } from '@inplay/kafka';
import type { Message, TopicMessages } from 'kafkajs';
import type { FoldResult } from './fold';

/** Below the broker's message.max.bytes (1 MiB by default), which bounds one partition's batch in a request. */
export const MAX_PRODUCE_REQUEST_BYTES = 512 * 1024;

export type BatchOutputs = { [T in ValueTopic]?: OutgoingRecord<T>[] };

/**
 * kafkajs groups a request's records by partition by copying the group's array
 * for every record (quadratic: 2,000 records to one partition cost ~2 million
 * copies and that much garbage); a thousand per request keep it small without
 * multiplying requests (which go one at a time: coalescing-sender.ts).
 */
export const MAX_PRODUCE_REQUEST_RECORDS = 1_024;

/** Pricing's outputs go in requests within these limits, one at a time, gathered while the previous one is out. */
export const PRICING_BATCHING: BatchingLimits = { maxRequestRecords: MAX_PRODUCE_REQUEST_RECORDS, maxRequestBytes: MAX_PRODUCE_REQUEST_BYTES, lingerMs: 0 };

/** Records encoded between two yields to the event loop when asked (big snapshot flushes must not hold up fetches). */
export const ENCODE_SLICE_RECORDS = 64;

export async function encodeInChunks(serde: Serde, prefix: string, outputs: BatchOutputs, options: { yieldToIo?: boolean } = {}): Promise<TopicMessages[][]> {
  const chunks: TopicMessages[][] = [];
  let encoded = 0;
  let current = new Map<string, Message[]>();
  let currentBytes = 0;
  let currentRecords = 0;
  const flush = (): void => {
    if (current.size > 0) chunks.push([...current].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    currentBytes = 0;
    currentRecords = 0;
  };
  for (const [topic, records] of Object.entries(outputs) as [ValueTopic, OutgoingRecord<ValueTopic>[] | undefined][]) {
    if (!records || records.length === 0) continue;
    const fullName = topicName(prefix, topic as TopicName);
    const encode = await serde.encoderFor(topic as TopicName);
    for (const record of records) {
      if (options.yieldToIo && ++encoded % ENCODE_SLICE_RECORDS === 0) await new Promise((resolve) => setImmediate(resolve));
      const value = encode(record.value as TopicRecords[ValueTopic] as never);
      const bytes = value.length + record.key.length;
      if (currentBytes + bytes > MAX_PRODUCE_REQUEST_BYTES || currentRecords === MAX_PRODUCE_REQUEST_RECORDS) flush();
      const messages = current.get(fullName) ?? [];
      messages.push({ key: record.key, value, ...(record.partition !== undefined ? { partition: record.partition } : {}) });
      current.set(fullName, messages);
      currentBytes += bytes;
      currentRecords += 1;
    }
  }
  flush();
  return chunks;
}

/** Ticks keyed by player and the latest price of each player that ticked. */
export function priceOutputsOf(fold: FoldResult): Pick<BatchOutputs, 'price.ticks' | 'price.latest'> {
  const lastTicks = new Map<string, PriceTick>();
  for (const tick of fold.ticks) lastTicks.set(tick.playerId, tick);
  return {
    'price.ticks': fold.ticks.map((tick): OutgoingRecord<'price.ticks'> => ({ key: tick.playerId, value: tick })),
    'price.latest': [...lastTicks.values()].map((tick): OutgoingRecord<'price.latest'> => ({ key: tick.playerId, value: latestPriceOf(tick) })),
  };
}

function latestPriceOf(tick: PriceTick): LatestPrice {
  return { playerId: tick.playerId, matchId: tick.matchId, seq: tick.seq, priceCents: tick.priceCents, lockedUntil: tick.lockedUntil, updatedAt: tick.tickedAt };
}
