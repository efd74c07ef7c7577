// One consumed batch = one Kafka transaction: every output record and the
// consumed offset commit together or not at all (Kafka -> Kafka exactly once).
// Outputs go in chunks so no request exceeds the broker's record-batch limit.
import { completeSendsProducer, keyedPartitioner, type Producer, type Serde } from '@inplay/kafka';
import type { Kafka, Transaction } from 'kafkajs';
import { encodeInChunks, type BatchOutputs } from './outputs';

/**
 * Right after a commit the coordinator is still writing the transaction markers
 * (a few ms) and answers the next AddPartitionsToTxn with CONCURRENT_TRANSACTIONS;
 * kafkajs's default first retry after 100 ms would add that to every other batch.
 */
export const TRANSACTION_RETRY = { initialRetryTime: 5, maxRetryTime: 1_000, retries: 12 } as const;

/** libs/kafka createProducer's settings for a transactional producer, with the fast retry above. */
export function createTransactionalProducer(kafka: Kafka, transactionalId: string): Producer {
  return completeSendsProducer(kafka, {
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId,
    createPartitioner: keyedPartitioner,
    retry: TRANSACTION_RETRY,
  });
}

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
