import { describe, expect, it } from 'vitest';
import { DeliveryTracker } from './delivery-tracker';
import { ticksAppendedIn } from './bench-fanout';
import type { AppendedBatch } from './messages';

const PLAYERS = 4;
const batch = (from: number, count: number, appendMs: number[]): AppendedBatch => ({ type: 'appended', from, count, partitions: 2, appendMs });

describe('delivery tracker', () => {
  it('measures receipt - append time whether the append time arrives before or after the tick', () => {
    const t = new DeliveryTracker(1, 2, PLAYERS);
    t.setWindow(0, 10_000);
    t.appended(batch(0, 4, [1_000, 1_002])); // ticks 0..3 = players 0..3 at seq 1; even players on partition 0
    t.tick(0, 0, 0, 1, 1_005);              // player 0: 5 ms
    t.tick(0, 0, 1, 2, 2_020);              // player 1 seq 2 = tick 5: not appended yet
    expect(t.latency.total).toBe(1);
    t.appended(batch(4, 4, [2_000, 2_010]));
    expect(t.latency.total).toBe(2);
    expect(t.latency.summaryMs().max).toBe(10);
    expect(t.ticks).toBe(2);
  });

  it('counts skipped and repeated seqs per subscription and only counts ticks inside the window', () => {
    const t = new DeliveryTracker(1, 2, PLAYERS);
    t.setWindow(100, 200);
    t.snapshot(0, 2, 2, 5);
    t.tick(0, 2, 2, 6, 50);
    t.tick(0, 2, 2, 9, 150);
    t.tick(0, 2, 2, 9, 160);
    t.tick(0, 2, 1, 3, 170); // not one of this connection's players (2, 3)
    expect(t.seqGaps).toBe(2);
    expect(t.seqRepeats).toBe(1);
    expect(t.ticks).toBe(3);
    t.matchPending(true);
    expect(t.unmatched).toBe(3);
  });

  it('counts the ticks a batch appended inside the window, by their partition', () => {
    expect(ticksAppendedIn(batch(0, 4, [150, 250]), PLAYERS, 100, 200)).toBe(2);
    expect(ticksAppendedIn(batch(0, 4, [-1, 150]), PLAYERS, 100, 200)).toBe(2);
  });
});
