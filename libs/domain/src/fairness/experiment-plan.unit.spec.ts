import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianOf, planFrontRuns, planHonestOrders, type PlannedEvent } from './experiment-plan';

describe('fairness experiment plan', () => {
  it('the front-runner buys the scorer frontRunMs before the feed (never before the goal) and sells after the feed', () => {
    const events: PlannedEvent[] = [
      { eventId: 'g1', type: 'GOAL', playerId: 'p9', occurredAt: 100_000, ingestedAt: 135_000 },
      { eventId: 'g2', type: 'GOAL', playerId: 'p7', occurredAt: 200_000, ingestedAt: 220_000 },
      { eventId: 's1', type: 'SHOT_ON_TARGET', playerId: 'p9', occurredAt: 50_000, ingestedAt: 80_000 },
      { eventId: 'g3', type: 'GOAL', playerId: null, occurredAt: 1, ingestedAt: 2 },
    ];
    expect(planFrontRuns(events, { frontRunMs: 30_000, sellAfterFeedMs: 5_000 })).toEqual([
      { eventId: 'g1', playerId: 'p9', buyAt: 105_000, sellAt: 140_000 },
      { eventId: 'g2', playerId: 'p7', buyAt: 200_000, sellAt: 225_000 },
    ]);
  });

  it('property: honest orders are deterministic per seed, inside the match, sorted, for known users and players', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 10_000, max: 600_000 }), (seed, users, until) => {
      const options = { seed, userIds: Array.from({ length: users }, (_, i) => `h${i}`), playerIds: ['a', 'b', 'c'], from: 0, until, meanIntervalMs: 30_000 };
      const plan = planHonestOrders(options);
      expect(planHonestOrders(options)).toEqual(plan);
      for (const [i, o] of plan.entries()) {
        expect(o.at >= 0 && o.at <= until).toBe(true);
        expect(options.userIds).toContain(o.userId);
        expect(options.playerIds).toContain(o.playerId);
        expect(o.quantity >= 1 && o.quantity <= 5).toBe(true);
        if (i > 0) expect(o.at).toBeGreaterThanOrEqual(plan[i - 1]!.at);
      }
    }));
  });

  it('places about (until - from) / meanIntervalMs orders per user', () => {
    const plan = planHonestOrders({ seed: 7, userIds: Array.from({ length: 200 }, (_, i) => `h${i}`), playerIds: ['a'], from: 0, until: 6_000_000, meanIntervalMs: 180_000 });
    expect(plan.length / 200).toBeGreaterThan(30);
    expect(plan.length / 200).toBeLessThan(37);
  });

  it('median', () => {
    expect(medianOf([])).toBeNull();
    expect(medianOf([5, 1, 3])).toBe(3);
    expect(medianOf([4, 1, 3, 2])).toBe(2);
  });
});
