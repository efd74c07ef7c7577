import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anomalyReport, edgeOf, inWindow, validateAnomalyOptions, type AnomalyOrder, type PriceMove } from './anomaly-report';

const T0 = 1_795_550_400_000;
const goal: PriceMove = { eventId: 'g1', eventType: 'GOAL', matchId: 'm1', playerId: 'p9', occurredAt: T0, ingestedAt: T0 + 30_000, priceBeforeCents: 1_000, priceAfterCents: 1_150 };
const order = (overrides: Partial<AnomalyOrder> = {}): AnomalyOrder => ({
  orderId: 'o1', userId: 'u1', playerId: 'p9', side: 'BUY', quantity: 10, placedAt: T0 + 5_000, status: 'FILLED', reason: null, fillPriceCents: 1_000, voided: false, ...overrides,
});

describe('anomaly report: windows and edge', () => {
  it('counts orders on the event player placed from occurredAt − ε to ingestedAt', () => {
    expect(inWindow(order({ placedAt: T0 - 10_000 }), goal, 10_000)).toBe(true);
    expect(inWindow(order({ placedAt: T0 - 10_001 }), goal, 10_000)).toBe(false);
    expect(inWindow(order({ placedAt: T0 + 30_000 }), goal, 10_000)).toBe(true);
    expect(inWindow(order({ placedAt: T0 + 30_001 }), goal, 10_000)).toBe(false);
    expect(inWindow(order({ playerId: 'p10' }), goal, 10_000)).toBe(false);
  });

  it('values a buy before a rise at quantity × (price after − fill), a sell the other way, voids and refusals at 0', () => {
    expect(edgeOf(order(), goal)).toBe(1_500);
    expect(edgeOf(order({ side: 'SELL' }), goal)).toBe(-1_500);
    expect(edgeOf(order({ voided: true }), goal)).toBe(0);
    expect(edgeOf(order({ status: 'REJECTED', fillPriceCents: null }), goal)).toBe(0);
  });

  it('ranks the user who bought the scorer between the goal and the feed first, with the evidence', () => {
    const orders = [
      order({ orderId: 'fr', userId: 'front-runner', quantity: 40 }),
      order({ orderId: 'h1', userId: 'honest-1', quantity: 2, placedAt: T0 - 60_000 }),
      order({ orderId: 'h2', userId: 'honest-2', quantity: 3, side: 'SELL', placedAt: T0 + 1_000 }),
      order({ orderId: 'h3', userId: 'honest-3', quantity: 1, placedAt: T0 + 20_000, fillPriceCents: 1_010 }),
    ];
    const report = anomalyReport(orders, [goal, { ...goal, eventId: 'shot', eventType: 'SHOT_OFF_TARGET', priceAfterCents: 995 }]);
    expect(report.priceMovingEvents).toBe(1);
    expect(report.users.map((u) => [u.userId, u.rank, u.edgeCents])).toEqual([['front-runner', 1, 6_000], ['honest-3', 2, 140], ['honest-2', 3, -450]]);
    expect(report.users[0]?.evidence).toEqual([{ order: orders[0], move: goal, placedBeforeOccurredMs: -5_000, withMove: true, edgeCents: 6_000 }]);
  });

  it('keeps a voided fill as evidence with no edge', () => {
    const report = anomalyReport([order({ voided: true })], [goal]);
    expect(report.users[0]).toMatchObject({ userId: 'u1', edgeCents: 0, windowFills: 1, voidedFills: 1, withMove: 1 });
  });

  it('rejects options out of range with a message naming them', () => {
    expect(validateAnomalyOptions({ epsilonMs: -1, minMoveBp: 0 })).toEqual([
      'epsilonMs must be an integer in [0, 600000], got -1', 'minMoveBp must be an integer in [1, 10000], got 0',
    ]);
    expect(() => anomalyReport([], [], { epsilonMs: 1.5 })).toThrow(/epsilonMs/);
  });
});

const arbOrder = fc.record({
  orderId: fc.uuid(), userId: fc.constantFrom('a', 'b', 'c', 'd'), playerId: fc.constantFrom('p1', 'p2'), side: fc.constantFrom('BUY' as const, 'SELL' as const),
  quantity: fc.integer({ min: 1, max: 50 }), placedAt: fc.integer({ min: T0 - 120_000, max: T0 + 120_000 }), status: fc.constant('FILLED'), reason: fc.constant(null),
  fillPriceCents: fc.option(fc.integer({ min: 100, max: 5_000 }), { nil: null }), voided: fc.boolean(),
});
const arbMove = fc.record({
  eventId: fc.uuid(), eventType: fc.constant('GOAL'), matchId: fc.constant('m1'), playerId: fc.constantFrom('p1', 'p2'),
  occurredAt: fc.integer({ min: T0 - 100_000, max: T0 + 100_000 }), lagMs: fc.integer({ min: 0, max: 40_000 }),
  priceBeforeCents: fc.integer({ min: 100, max: 5_000 }), priceAfterCents: fc.integer({ min: 100, max: 5_000 }),
}).map(({ lagMs, ...m }): PriceMove => ({ ...m, ingestedAt: m.occurredAt + lagMs }));

describe('anomaly report: properties', () => {
  it('every order counts once, ranks are 1..n by edge, and each user total is the sum of its window orders', () => {
    fc.assert(fc.property(fc.array(arbOrder, { maxLength: 40 }), fc.array(arbMove, { maxLength: 8 }), (orders, moves) => {
      const report = anomalyReport(orders, moves, { evidencePerUser: 1_000 });
      expect(report.users.map((u) => u.rank)).toEqual(report.users.map((_, i) => i + 1));
      for (let i = 1; i < report.users.length; i++) expect(report.users[i - 1]!.edgeCents).toBeGreaterThanOrEqual(report.users[i]!.edgeCents);
      const evidence = report.users.flatMap((u) => u.evidence);
      expect(new Set(evidence.map((e) => e.order.orderId)).size).toBe(evidence.length);
      for (const u of report.users) {
        expect(u.edgeCents).toBe(u.evidence.reduce((s, e) => s + e.edgeCents, 0));
        expect(u.evidence.every((e) => e.order.userId === u.userId && inWindow(e.order, e.move, report.epsilonMs))).toBe(true);
      }
      // An order outside every price-moving window is never evidence.
      const listed = new Set(evidence.map((e) => e.order.orderId));
      for (const o of orders) {
        const anyWindow = moves.some((m) => Math.abs(m.priceAfterCents - m.priceBeforeCents) * 10_000 >= 300 * m.priceBeforeCents && inWindow(o, m, report.epsilonMs));
        if (!anyWindow) expect(listed.has(o.orderId)).toBe(false);
      }
    }));
  });

  it('is deterministic: the same orders in any order give the same ranking', () => {
    fc.assert(fc.property(fc.array(arbOrder, { maxLength: 30 }), fc.array(arbMove, { maxLength: 6 }), (orders, moves) => {
      const ranking = (os: AnomalyOrder[]) => anomalyReport(os, moves).users.map((u) => [u.userId, u.edgeCents]);
      expect(ranking([...orders].reverse())).toEqual(ranking(orders));
    }));
  });
});
