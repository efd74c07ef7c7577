// One consumed batch = one Kafka transaction: every output record and the
// consumed offset commit together or not at all (Kafka -> Kafka exactly once).
// Outputs go in chunks so no request exceeds the broker's record-batch limit.
import type { TopicName } from '@inplay/contracts';
import { topicName, type OutgoingRecord, type Producer, type Serde, type TopicRecords, type ValueTopic } from '@inplay/kafka';
import { Partitioners, type Kafka, type Message, type TopicMessages, type Transaction } from 'kafkajs';

/** Below the broker's message.max.bytes (1 MiB by default), which bounds one partition's batch in a request. */
export const MAX_PRODUCE_REQUEST_BYTES = 512 * 1024;

/**
 * Right after a commit the coordinator is still writing the transaction markers
 * (a few ms) and answers the next AddPartitionsToTxn with CONCURRENT_TRANSACTIONS;
 * kafkajs's default first retry after 100 ms would add that to every other batch.
 */
export const TRANSACTION_RETRY = { initialRetryTime: 5, maxRetryTime: 1_000, retries: 12 } as const;

/** libs/kafka createProducer's settings for a transactional producer, with the fast retry above. */
export function createTransactionalProducer(kafka: Kafka, transactionalId: string): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: TRANSACTION_RETRY,
  });
}

export type BatchOutputs = { [T in ValueTopic]?: OutgoingRecord<T>[] };

export interface ConsumedBatch {
  groupId: string;
  /** Full topic name, prefix included. */
  topic: string;
  partition: number;
  /** The batch's last offset (data or control record); the group resumes after it. */
  lastOffset: string;
}

export async function commitBatchTransaction(producer: Producer, serde: Serde, prefix: string, outputs: BatchOutputs, consumed: ConsumedBatch): Promise<void> {
  const chunks = await encodeInChunks(serde, prefix, outputs);
  const tx = await producer.transaction();
  try {
    for (const topicMessages of chunks) await tx.sendBatch({ topicMessages, acks: -1 });
    await sendConsumedOffset(tx, consumed);
    await tx.commit();
  } catch (err) {
    await tx.abort().catch(() => undefined); // the original error is the one worth reporting
    throw err;
  }
}

function sendConsumedOffset(tx: Transaction, consumed: ConsumedBatch): Promise<void> {
  const nextOffset = (BigInt(consumed.lastOffset) + 1n).toString(); // the offset to resume at, not the last one read
  return tx.sendOffsets({ consumerGroupId: consumed.groupId, topics: [{ topic: consumed.topic, partitions: [{ partition: consumed.partition, offset: nextOffset }] }] });
}

async function encodeInChunks(serde: Serde, prefix: string, outputs: BatchOutputs): Promise<TopicMessages[][]> {
  const chunks: TopicMessages[][] = [];
  let current = new Map<string, Message[]>();
  let currentBytes = 0;
  const flush = (): void => {
    if (current.size > 0) chunks.push([...current].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    currentBytes = 0;
  };
  for (const [topic, records] of Object.entries(outputs) as [ValueTopic, OutgoingRecord<ValueTopic>[] | undefined][]) {
    const fullName = topicName(prefix, topic as TopicName);
    for (const record of records ?? []) {
      const value = await serde.encode(topic as TopicName, record.value as TopicRecords[ValueTopic] as never);
      const bytes = value.length + record.key.length;
      if (currentBytes + bytes > MAX_PRODUCE_REQUEST_BYTES) flush();
      const messages = current.get(fullName) ?? [];
      messages.push({ key: record.key, value, ...(record.partition !== undefined ? { partition: record.partition } : {}) });
      current.set(fullName, messages);
      currentBytes += bytes;
    }
  }
  flush();
  return chunks;
}
