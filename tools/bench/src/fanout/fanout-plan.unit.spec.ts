import { describe, expect, it } from 'vitest';
import {
  CONNECTIONS_PER_GATEWAY_PROCESS, OPEN_FILES_PER_PROCESS, connectionRange, connectionSteps, dueMessagesPerSec,
  gatewayProcessesFor, loadProcessesFor, playersOf, sourceAddress, tickIndex, tickOf,
} from './fanout-plan';

describe('fan-out bench arithmetic', () => {
  it('splits 50,000 connections over enough processes to stay under the open-file cap', () => {
    expect(gatewayProcessesFor(50_000)).toBe(4);
    expect(loadProcessesFor(50_000)).toBe(4);
    expect(gatewayProcessesFor(5_000)).toBe(1);
    expect(50_000 / gatewayProcessesFor(50_000)).toBeLessThan(OPEN_FILES_PER_PROCESS);
    expect(CONNECTIONS_PER_GATEWAY_PROCESS).toBeLessThan(OPEN_FILES_PER_PROCESS);
  });

  it('gives each load process a contiguous share and its own loopback source address', () => {
    const ranges = [0, 1, 2].map((i) => connectionRange(10_001, 3, i));
    expect(ranges).toEqual([{ from: 0, to: 3_334 }, { from: 3_334, to: 6_668 }, { from: 6_668, to: 10_001 }]);
    expect([0, 1, 3].map(sourceAddress)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.5']);
  });

  it('spreads subscriptions evenly: every player has the same number of subscribers', () => {
    const subscribers = new Array<number>(500).fill(0);
    for (let c = 0; c < 5_000; c++) for (const p of playersOf(c, 10, 500)) subscribers[p] = (subscribers[p] ?? 0) + 1;
    expect(new Set(subscribers)).toEqual(new Set([100]));
    expect(playersOf(49, 10, 500)).toEqual([490, 491, 492, 493, 494, 495, 496, 497, 498, 499]);
  });

  it('counts due messages as connections x subscriptions x per-player tick rate', () => {
    // The target: 50,000 connections x 10 players x (2,000 ticks/s over 500 players).
    expect(dueMessagesPerSec(50_000, 10, 2_000, 500)).toBe(2_000_000);
    expect(dueMessagesPerSec(5_000, 10, 2_000, 500)).toBe(200_000);
  });

  it('numbers ticks round-robin so (player, seq) and the tick index map to each other', () => {
    expect(tickOf(0, 500)).toEqual({ player: 0, seq: 1 });
    expect(tickOf(1_234, 500)).toEqual({ player: 234, seq: 3 });
    expect(tickIndex(234, 3, 500)).toBe(1_234);
  });

  it('runs N/4, N/2 and N', () => {
    expect(connectionSteps(50_000)).toEqual([12_500, 25_000, 50_000]);
    expect(connectionSteps(2)).toEqual([1, 2]);
  });
});
