import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { keyedPartitioner } from './client';

const metadata = (n: number) => Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
const args = (key: string | null, partitions = 6, partition?: number): PartitionerArgs => ({
  topic: 'price.ticks', partitionMetadata: metadata(partitions), message: { key, value: 'v', ...(partition !== undefined ? { partition } : {}) },
});

describe('keyedPartitioner', () => {
  it('puts every key where the default partitioner does, first time and remembered', () => {
    const memoised = keyedPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const keys = Array.from({ length: 500 }, (_, i) => `player-${i}`);
    for (const round of [0, 1]) {
      for (const key of keys) expect(memoised(args(key)), `${key} round ${round}`).toBe(reference(args(key)));
    }
    expect(new Set(keys.map((key) => memoised(args(key)))).size).toBe(6);
  });

  it('honours an explicit partition and starts over when the partition count changes', () => {
    const memoised = keyedPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    expect(memoised(args('player-1', 6, 4))).toBe(4);
    const keys = Array.from({ length: 50 }, (_, i) => `player-${i}`);
    for (const key of keys) memoised(args(key, 6));
    for (const key of keys) expect(memoised(args(key, 12))).toBe(reference(args(key, 12)));
    expect(keys.some((key) => reference(args(key, 12)) !== reference(args(key, 6)))).toBe(true);
  });
});
