// Helpers of pricing's integration specs: write a roster the way feed-ingest
// does, and collect what pricing publishes (read-committed, from the start).
import type { PriceTick } from '@inplay/contracts';
import { createPool } from '@inplay/db';
import type { Roster } from '@inplay/domain';
import type { Kafka, Serde } from '@inplay/kafka';
import { writeRoster } from '../src/roster-store';

export async function insertRoster(databaseUrl: string, roster: Roster, kickOffAt = Date.now()): Promise<void> {
  const pool = createPool(databaseUrl, { max: 1 });
  try {
    await writeRoster(pool, roster, kickOffAt);
  } finally {
    await pool.end();
  }
}

export interface Collected<T> {
  values: T[];
  stop(): Promise<void>;
}

/** Every committed record of a topic, in arrival order, decoded. */
export async function collect<T>(kafka: Kafka, serde: Serde, topic: string, groupId: string): Promise<Collected<T>> {
  const values: T[] = [];
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) if (message.value) values.push(await serde.decode<T>(message.value));
    },
  });
  return { values, stop: () => consumer.disconnect() };
}

export function ticksByPlayer(ticks: readonly PriceTick[]): Map<string, PriceTick[]> {
  const byPlayer = new Map<string, PriceTick[]>();
  for (const tick of ticks) byPlayer.set(tick.playerId, [...(byPlayer.get(tick.playerId) ?? []), tick]);
  return byPlayer;
}

/** Seqs 1..n in order with no gap and no repeat, for every player. Returns the players that break it. */
export function playersWithSeqGaps(ticks: readonly PriceTick[]): string[] {
  return [...ticksByPlayer(ticks)].filter(([, list]) => list.some((t, i) => t.seq !== i + 1)).map(([playerId]) => playerId);
}
