// The latest snapshot of every board, in memory, from the compacted
// `leaderboard` topic (read from the start under a private group id).
import { randomUUID } from 'node:crypto';
import type { LeaderboardSnapshot } from '@inplay/contracts';
import { decodeBatch, topicName, type Kafka, type Producer, type Serde } from '@inplay/kafka';

export interface LeaderboardFeed {
  snapshot(boardId: string): LeaderboardSnapshot | undefined;
  stop(): Promise<void>;
}

export async function startLeaderboardFeed(options: { kafka: Kafka; serde: Serde; deadLetters: Producer; prefix: string; onSnapshot?: (s: LeaderboardSnapshot) => void }): Promise<LeaderboardFeed> {
  const boards = new Map<string, LeaderboardSnapshot>();
  const consumer = options.kafka.consumer({ groupId: `${options.prefix}gateway-leaderboard-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(options.prefix, 'leaderboard'), fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async (payload) => {
      for (const { value } of await decodeBatch<LeaderboardSnapshot>(payload, options.serde, options.deadLetters, options.prefix)) {
        const known = boards.get(value.boardId);
        if (known && known.computedAt > value.computedAt) continue;
        boards.set(value.boardId, value);
        options.onSnapshot?.(value);
      }
    },
  });
  return { snapshot: (boardId) => boards.get(boardId), stop: () => consumer.disconnect() };
}
