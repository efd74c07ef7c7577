import { describe, expect, it } from 'vitest';
import { DeliveryTracker } from './delivery-tracker';
import { ticksAppendedIn } from './bench-fanout';
import type { AppendedBatch } from './messages';

const PLAYERS = 4;
const batch = (from: number, count: number, appendMs: number[]): AppendedBatch => ({ type: 'appended', from, count, partitions: 2, appendMs });

const all = () => true;
const twoPlayers = (first: number) => () => [first, first + 1];

describe('delivery tracker', () => {
  it('measures receipt - append time whether the append time arrives before or after the tick', () => {
    const t = new DeliveryTracker(1, 2, PLAYERS);
    t.setWindow(0, 10_000, 1_000);
    t.appended(batch(0, 4, [1_000, 1_002])); // ticks 0..3 = players 0..3 at seq 1; even players on partition 0
    t.tick(0, 0, 0, 1, 1_005);              // player 0: 5 ms
    t.tick(0, 0, 1, 2, 2_020);              // player 1 seq 2 = tick 5: not appended yet
    expect(t.latency.total).toBe(1);
    t.appended(batch(4, 4, [2_000, 2_010]));
    expect(t.latency.total).toBe(2);
    expect(t.latency.summaryMs().max).toBe(10);
    // Due: players 0 and 1 ticked twice each in the window; player 0 seq 2 and player 1 seq 1 never arrived.
    expect(t.counts(all, twoPlayers(0))).toEqual({ due: 4, delivered: 2, conflatedAway: 0, censored: 2 });
  });

  it('counts due and delivered over the same ticks: appended in the window, received by its end + grace, each seq once', () => {
    const t = new DeliveryTracker(1, 2, PLAYERS);
    t.setWindow(100, 200, 50);
    t.snapshot(0, 2, 2, 0);
    // Seq 1 of players 2, 3 appended before the window (warm-up backlog): received in the window, never counted.
    t.appended(batch(0, 4, [90, 90]));
    t.tick(0, 2, 2, 1, 120);
    // Seq 2 appended in the window: player 2 received twice (counted once), player 3 after the grace (censored).
    t.appended(batch(4, 4, [150, 150]));
    t.tick(0, 2, 2, 2, 160);
    t.tick(0, 2, 2, 2, 170);
    t.tick(0, 2, 3, 2, 260);
    // Seq 4 of player 2 jumps seq 3 (conflated away); both appended in the window.
    t.appended(batch(8, 8, [180, 190]));
    t.tick(0, 2, 2, 4, 195);
    t.tick(0, 2, 1, 3, 170); // not one of this connection's players (2, 3)
    expect(t.seqRepeats).toBe(1);
    expect(t.seqGaps).toBe(1); // player 2 jumped seq 3
    expect(t.counts(all, twoPlayers(2))).toEqual({ due: 6, delivered: 2, conflatedAway: 1, censored: 3 });
    expect(t.latency.censored).toBe(3);
    expect(t.latency.summaryMs().p99).toBeNull();
  });

  it('counts only connections held throughout', () => {
    const t = new DeliveryTracker(2, 1, PLAYERS);
    t.setWindow(0, 100, 10);
    t.appended(batch(0, 4, [10, 10]));
    t.tick(0, 0, 0, 1, 20);
    t.tick(1, 1, 1, 1, 20);
    expect(t.counts((local) => local === 1, (local) => [local])).toEqual({ due: 1, delivered: 1, conflatedAway: 0, censored: 0 });
  });

  it('counts the ticks a batch appended inside the window, by their partition', () => {
    expect(ticksAppendedIn(batch(0, 4, [150, 250]), PLAYERS, 100, 200)).toBe(2);
    expect(ticksAppendedIn(batch(0, 4, [-1, 150]), PLAYERS, 100, 200)).toBe(2);
  });
});
