// The settlement decider's VoidLateFills command: given the fills of a player
// and the users' accounts, when an EVENT tick reveals that some fills came
// after the event happened, then exactly those are reversed, each with a
// VOIDED result (VOIDED_LATE_EVENT), compensating postings and the account as
// if the fill never happened.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unbalancedTransactions } from '../ledger/postings';
import { settlementDecider, type FilledOrder } from './settlement-decider';
import { resultOf, guardsOf } from './settlement-effects';
import { evolve, VOIDED_LATE_EVENT, type SettlementState } from './settlement-state';
import { NOW, stateWith } from './settlement.fixtures';

const HORIZON_MS = 45_000;
const decider = settlementDecider({ maxPriceAgeMs: 3_600_000, fairness: { policy: 'event-time-void', voidHorizonMs: HORIZON_MS } });
const goal = { playerId: 'p9', seq: 5, eventId: 'goal-1', occurredAt: NOW - 30_000 };

const filled = (overrides: Partial<FilledOrder> = {}): FilledOrder => ({
  orderId: 'o1', userId: 'u1', idempotencyKey: 'k1', playerId: 'p9', side: 'BUY', quantity: 2, valueCents: 2_000, fillPriceCents: 1_000,
  placedAt: NOW - 10_000, tickSeq: 4, ...overrides,
});
const voids = (fills: FilledOrder[], state: SettlementState, nowMs = NOW) =>
  decider.decide({ type: 'VoidLateFills', tick: goal, fills, nowMs, voidHorizonMs: HORIZON_MS }, state);

describe('settlement decider: VoidLateFills', () => {
  it('reverses a buy placed after the goal and priced before its tick, and says so in a VOIDED result', () => {
    const state = stateWith({ u1: { cashCents: 8_000, holdings: { p9: 2 } } });
    const events = voids([filled()], state);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'FillVoided', reason: VOIDED_LATE_EVENT, cashAfterCents: 10_000, holdingAfter: 0, cause: { eventId: 'goal-1', tickSeq: 5 } });
    expect(resultOf(events[0]!)).toMatchObject({ orderId: 'o1', status: 'VOIDED', reason: 'VOIDED_LATE_EVENT', fillPriceCents: 1_000, tickSeq: 4, costCents: 2_000, cashAfterCents: 10_000, settledAt: NOW });
    // A void is not a trade, and does not go through the batch guards (it runs under the accounts' row locks).
    expect(guardsOf(events)).toEqual({ cash: [], holdings: [] });
  });

  it('leaves fills placed before the event, priced after its tick, of another player, or past the horizon', () => {
    const state = stateWith({ u1: { cashCents: 100_000, holdings: { p9: 10, p10: 2 } } });
    const kept = [
      filled({ orderId: 'before', placedAt: NOW - 31_000 }),
      filled({ orderId: 'priced-after', tickSeq: 5 }),
      filled({ orderId: 'other', playerId: 'p10' }),
    ];
    expect(voids(kept, state)).toEqual([]);
    expect(voids([filled()], state, NOW + HORIZON_MS)).toEqual([]);
  });

  it('applies several voids of one user in order, each from the account the previous left', () => {
    const state = stateWith({ u1: { cashCents: 5_000, holdings: { p9: 5 } } });
    const events = voids([filled({ orderId: 'a', quantity: 2, valueCents: 2_000 }), filled({ orderId: 'b', side: 'SELL', quantity: 1, valueCents: 1_000 })], state);
    expect(events.map((e) => [e.order.orderId, e.type === 'FillVoided' ? [e.cashAfterCents, e.holdingAfter] : null])).toEqual([['a', [7_000, 3]], ['b', [6_000, 4]]]);
  });

  it('property: a void leaves the ledger balanced and cash and holdings exactly as before the fill', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'), quantity: fc.integer({ min: 1, max: 20 }), priceCents: fc.integer({ min: 1, max: 5_000 }) }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 0, max: 200_000 }),
      (trades, cashBefore) => {
        // The fills happened on top of `before`, as settlement allows them under event-time void: buys paid from cash that
        // was not provisional, sells of shares held before (provisional proceeds and shares cannot be used). The state after
        // them is what settlement holds when the tick arrives.
        let cash = cashBefore;
        let spent = 0;
        let held = trades.filter((t) => t.side === 'SELL').reduce((n, t) => n + t.quantity, 0);
        const heldBefore = held;
        const fills = trades.map((t, i) => {
          const valueCents = t.quantity * t.priceCents;
          if (t.side === 'BUY') spent += valueCents;
          cash += t.side === 'BUY' ? -valueCents : valueCents;
          held += t.side === 'BUY' ? t.quantity : -t.quantity;
          return filled({ orderId: `o${i}`, idempotencyKey: `k${i}`, side: t.side, quantity: t.quantity, valueCents, fillPriceCents: t.priceCents });
        });
        fc.pre(spent <= cashBefore);
        const state = stateWith({ u1: { cashCents: cash, holdings: { p9: held } } });
        const events = voids(fills, state);
        expect(events).toHaveLength(fills.length);
        const after = events.reduce(evolve, state).accounts.get('u1')!;
        expect([after.cashCents, after.holdings.get('p9')]).toEqual([cashBefore, heldBefore]);
        expect(unbalancedTransactions(events.flatMap((e) => (e.type === 'FillVoided' ? [...e.postings] : []))).size).toBe(0);
      },
    ), { numRuns: 200 });
  });
});
