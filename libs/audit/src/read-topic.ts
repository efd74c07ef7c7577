// Reads a topic from its start to the end it had when the read began, decoded,
// partition by partition in log order. The audit and backfills fold history
// with it; a private group id and no commits leave no trace on the cluster.
import { randomUUID } from 'node:crypto';
import type { TopicName } from '@inplay/contracts';
import { cachedDecoder, topicName, type Kafka, type Serde } from '@inplay/kafka';

/** A topic with nothing new for this long, before reaching the end it had, is an error rather than a hang. */
export const READ_STALL_TIMEOUT_MS = 60_000;

export interface TopicEnd {
  /** Next offset per partition when the read began. */
  ends: Map<number, bigint>;
  total: bigint;
}

export async function topicEnds(kafka: Kafka, topic: string): Promise<TopicEnd> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const ends = new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
    const total = offsets.reduce((n, p) => n + BigInt(p.high) - BigInt(p.low), 0n);
    return { ends, total };
  } finally {
    await admin.disconnect();
  }
}

export interface ReadOptions<T> {
  kafka: Kafka;
  serde: Serde;
  prefix: string;
  topic: TopicName;
  /** Where to start per partition (default: the beginning). */
  from?: Map<number, bigint>;
  /** Called for each record in partition order; may be async (backfill checkpoints). */
  onRecord: (value: T, partition: number, offset: bigint) => void | Promise<void>;
  /** Called after each fetched batch with the next offset of its partition. */
  onBatch?: (partition: number, nextOffset: bigint, records: number) => void | Promise<void>;
  /** Stops early when it returns true (Ctrl-C). */
  stopped?: () => boolean;
}

export async function readTopic<T>(options: ReadOptions<T>): Promise<TopicEnd> {
  const topic = topicName(options.prefix, options.topic);
  const end = await topicEnds(options.kafka, topic);
  // Each schema fetched once; records decoded synchronously after that.
  const decode = cachedDecoder(options.serde);
  const pending = new Set([...end.ends].filter(([p, high]) => high > (options.from?.get(p) ?? 0n)).map(([p]) => p));
  if (pending.size === 0) return end;
  // Under the topic prefix, where the ACLs grant a service its groups (libs/kafka acls.ts: the gateway's 'audit-').
  const consumer = options.kafka.consumer({ groupId: `${options.prefix}audit-${randomUUID()}`, maxWaitTimeInMs: 50, maxBytesPerPartition: 8 * 1024 * 1024, maxBytes: 32 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const [partition, offset] of options.from ?? []) consumer.seek({ topic, partition, offset: offset.toString() });
    });
    // The next offset handed to onRecord per partition. The group commits nothing, so a rebalance during the
    // read (a coordinator moving after a broker restart) starts the partitions over: each record is still
    // handed over once.
    const handedOver = new Map<number, bigint>();
    await new Promise<void>((resolve, reject) => {
      let stall = setTimeout(() => reject(new Error(`no progress reading ${topic} for ${READ_STALL_TIMEOUT_MS} ms`)), READ_STALL_TIMEOUT_MS);
      // A consumer that crashes (a group it may not use, say) fails the read now, not after the stall timeout.
      consumer.on(consumer.events.CRASH, ({ payload }) => { clearTimeout(stall); reject(payload.error); });
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }) => {
          clearTimeout(stall);
          stall = setTimeout(() => reject(new Error(`no progress reading ${topic} for ${READ_STALL_TIMEOUT_MS} ms`)), READ_STALL_TIMEOUT_MS);
          const high = end.ends.get(batch.partition) ?? 0n;
          let next = 0n;
          let count = 0;
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset >= high || options.stopped?.()) break;
            next = offset + 1n;
            if (offset < (handedOver.get(batch.partition) ?? 0n)) continue;
            handedOver.set(batch.partition, next);
            if (!message.value) continue;
            const decoded = decode<T>(message.value);
            // Awaited only when there is something to wait for: a promise per record is most of a fold's cost.
            const handled = options.onRecord(decoded instanceof Promise ? await decoded : decoded, batch.partition, offset);
            if (handled) await handled;
            count++;
          }
          // The next fetch goes on from here (in memory; nothing is committed). Without it every fetch of a
          // partition starts again at its beginning and a partition longer than one fetch never ends.
          if (next > 0n) {
            resolveOffset((next - 1n).toString());
            await options.onBatch?.(batch.partition, next, count);
          }
          if (next >= high || options.stopped?.()) pending.delete(batch.partition);
          if (pending.size === 0) { clearTimeout(stall); resolve(); }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return end;
}
