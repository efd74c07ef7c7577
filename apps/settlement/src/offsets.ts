// Consumed offsets of `orders` stored in Postgres, in the same transaction as
// the batch's effects: the source of truth after a crash. The guard
// (`next_offset < $new`) and the row lock make a redelivered batch a no-op.
import type { Pool, PoolClient } from '@inplay/db';

export interface PartitionRef {
  groupId: string;
  topic: string;
  partition: number;
}

/** Locks the partition's row (creating it at 0) and returns the next offset to consume. */
export async function lockNextOffset(client: PoolClient, ref: PartitionRef): Promise<bigint> {
  await client.query(
    `INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`,
    [ref.groupId, ref.topic, ref.partition]);
  const { rows } = await client.query<{ next_offset: string }>(
    `SELECT next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE`,
    [ref.groupId, ref.topic, ref.partition]);
  return BigInt(rows[0]?.next_offset ?? '0');
}

export async function advanceNextOffset(client: PoolClient, ref: PartitionRef, nextOffset: bigint): Promise<void> {
  await client.query(
    `UPDATE consumer_offsets SET next_offset = $4, updated_at = now()
      WHERE group_id = $1 AND topic = $2 AND partition = $3 AND next_offset < $4`,
    [ref.groupId, ref.topic, ref.partition, nextOffset.toString()]);
}

/** Next offset per partition of a topic, for seeking on assignment. */
export async function storedOffsets(pool: Pool, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const { rows } = await pool.query<{ partition: number; next_offset: string }>(
    'SELECT partition, next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2', [groupId, topic]);
  return new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
}
