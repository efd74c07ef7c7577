// Follows a topic from its start, forever, under a private group id (no
// commits: the leaderboard's state is rebuilt from history at every start).
// `caughtUp` resolves once the end the topic had at start-up is reached.
import { randomUUID } from 'node:crypto';
import type { TopicName } from '@inplay/contracts';
import { decodeBatch, topicName, type Kafka, type OnDeadLetter, type Producer, type Serde } from '@inplay/kafka';

export interface FollowedTopic {
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export interface FollowOptions<T> {
  kafka: Kafka;
  serde: Serde;
  deadLetters: Producer;
  /** Counts each record sent to dead.letter (the alert metric). */
  onDeadLetter?: OnDeadLetter;
  prefix: string;
  topic: TopicName;
  onRecord: (value: T) => void;
}

export async function followTopic<T>(options: FollowOptions<T>): Promise<FollowedTopic> {
  const topic = topicName(options.prefix, options.topic);
  const admin = options.kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => { markCaughtUp = resolve; });
  if (pending.size === 0) markCaughtUp();
  const consumer = options.kafka.consumer({ groupId: `${options.prefix}leaderboard-${options.topic}-${randomUUID()}`, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async (payload) => {
      for (const record of await decodeBatch<T>(payload, options.serde, options.deadLetters, options.prefix, { onDeadLetter: options.onDeadLetter })) options.onRecord(record.value);
      const { batch } = payload;
      if (pending.has(batch.partition) && BigInt(batch.lastOffset()) + 1n >= (ends.get(batch.partition) ?? 0n)) {
        pending.delete(batch.partition);
        if (pending.size === 0) markCaughtUp();
      }
    },
  });
  return { caughtUp, stop: () => consumer.disconnect() };
}
