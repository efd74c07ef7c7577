// Rebuilds the players of some pricing.commands partitions from the compacted
// pricing.snapshots topic, read (read-committed) to the end it had when asked,
// with the command offset each player's state reflects. In transactional
// delivery, call it after the partitions' transactional producers connected:
// that fences any zombie and aborts its open transaction, so the end is reachable.
import { randomBytes } from 'node:crypto';
import type { Kafka, Serde } from '@inplay/kafka';
import type { PlayerPriceState } from '@inplay/domain';
import { fromSnapshot, type PricingSnapshot } from './snapshot-codec';

/** A restore that takes longer than this is a fault worth crashing for (the broker or the topic is unwell). */
export const SNAPSHOT_RESTORE_TIMEOUT_MS = 60_000;

export interface RestoredPartition {
  players: Map<string, PlayerPriceState>;
  /** Per player, the last pricing.commands offset its state reflects (the processor skips commands up to it). */
  reflectedOffsets: Map<string, number>;
}

export type RestoredPartitions = Map<number, RestoredPartition>;

export async function restoreFromSnapshots(kafka: Kafka, serde: Serde, topic: string, partitions: readonly number[], groupIdPrefix: string): Promise<RestoredPartitions> {
  const restored: RestoredPartitions = new Map(partitions.map((p) => [p, { players: new Map(), reflectedOffsets: new Map() }]));
  if (partitions.length === 0) return restored;
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.filter((o) => restored.has(o.partition) && BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return restored;

  // A throwaway group that never commits: this reader only ever starts from the beginning.
  const groupId = `${groupIdPrefix}-restore-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} partitions ${[...ends.keys()].join(',')} took longer than ${SNAPSHOT_RESTORE_TIMEOUT_MS} ms`)), SNAPSHOT_RESTORE_TIMEOUT_MS);
      // END_BATCH_PROCESS also reports batches of control records only, which eachBatch never sees.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = ends.get(payload.partition);
        if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) ends.delete(payload.partition);
        if (ends.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const partition = restored.get(batch.partition);
          if (!partition) return; // a partition this instance was not assigned
          for (const message of batch.messages) {
            if (!message.key) continue;
            const playerId = message.key.toString();
            if (!message.value) {
              partition.players.delete(playerId);
              partition.reflectedOffsets.delete(playerId);
              continue;
            }
            const snapshot = await serde.decode<PricingSnapshot>(message.value);
            partition.players.set(playerId, fromSnapshot(snapshot));
            partition.reflectedOffsets.set(playerId, snapshot.commandOffset);
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  await deleteGroup(kafka, groupId);
  return restored;
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
  } catch {
    // best effort: an empty group without offsets expires by itself
  } finally {
    await admin.disconnect();
  }
}
