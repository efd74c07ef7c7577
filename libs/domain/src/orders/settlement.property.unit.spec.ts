// DESIGN.md invariants, checked on random batches: no negative cash or
// holding, exactly one outcome per order, the ledger balances and conserves
// cash, an idempotency key never executes twice, and the SQL guards accept
// exactly the starting states the decider's fills are safe for.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TRADE_LOCK } from '../fairness/fairness-policy';
import { accountBalances, cashAccount, unbalancedTransactions } from '../ledger/postings';
import { settlementDecider } from './settlement-decider';
import { guardsOf, resultOf } from './settlement-effects';
import { orderKey, type OrderToSettle } from './settlement-state';
import { NOW, stateWith } from './settlement.fixtures';

const decider = settlementDecider({ maxPriceAgeMs: 10_000, fairness: TRADE_LOCK });
const USERS = ['u1', 'u2', 'u3'];
const PLAYERS = ['p1', 'p2'];

const arbOrder = fc.record({
  userId: fc.constantFrom(...USERS),
  idempotencyKey: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
  playerId: fc.constantFrom(...PLAYERS, 'unpriced'),
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  quantity: fc.integer({ min: 1, max: 20 }),
  limitPriceCents: fc.option(fc.integer({ min: 100, max: 2_000 }), { nil: null }),
});
const arbBatch = fc.record({
  orders: fc.array(arbOrder, { maxLength: 60 }).map((os) => os.map((o, i): OrderToSettle => ({ ...o, orderId: `o${i}`, placedAt: NOW }))),
  cash: fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: USERS.length, maxLength: USERS.length }),
  held: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: USERS.length, maxLength: USERS.length }),
  prices: fc.array(fc.record({ priceCents: fc.integer({ min: 100, max: 2_000 }), ageMs: fc.integer({ min: 0, max: 12_000 }), lockedForMs: fc.integer({ min: -5_000, max: 5_000 }) }), { minLength: 2, maxLength: 2 }),
  executed: fc.subarray(['a', 'b']),
});


function settleRandom(b: { orders: OrderToSettle[]; cash: number[]; held: number[]; prices: { priceCents: number; ageMs: number; lockedForMs: number }[]; executed: string[] }) {
  const state = stateWith(
    Object.fromEntries(USERS.map((u, i) => [u, { cashCents: b.cash[i] ?? 0, holdings: { p1: b.held[i] ?? 0, p2: 0 } }])),
    b.executed.map((k) => orderKey('u1', k)),
  );
  const prices = (playerId: string) => {
    const i = PLAYERS.indexOf(playerId);
    const p = b.prices[i];
    return p ? { playerId, priceCents: p.priceCents, seq: i + 1, tickedAt: NOW - p.ageMs, lockedUntil: NOW + p.lockedForMs } : undefined;
  };
  const events = decider.decide({ type: 'SettleBatch', orders: b.orders, prices, nowMs: NOW }, state);
  return { state, events, final: events.reduce(decider.evolve, state) };
}

describe('settlement invariants (property-based)', () => {
  // The invariants below hold trivially for a decider that refuses everything: this one proves the batches fill.
  it('fills affordable orders, across many batches, and refuses only what the rules refuse', () => {
    let fills = 0;
    let batchesWithFills = 0;
    fc.assert(fc.property(arbBatch, (b) => {
      const { state, events } = settleRandom(b);
      const filled = events.filter((e) => e.type === 'OrderFilled').length;
      fills += filled;
      if (filled > 0) batchesWithFills += 1;
      // The first order of a batch, when it is a fresh, affordable buy at a fresh unlocked price within its limit, fills.
      const first = b.orders[0];
      const p = first && PLAYERS.includes(first.playerId) ? b.prices[PLAYERS.indexOf(first.playerId)] : undefined;
      if (first && p && first.side === 'BUY' && !(first.userId === 'u1' && b.executed.includes(first.idempotencyKey)) && p.ageMs <= 10_000 && p.lockedForMs <= 0
        && (first.limitPriceCents === null || p.priceCents <= first.limitPriceCents) && first.quantity * p.priceCents <= state.accounts.get(first.userId)!.cashCents) {
        expect(events[0]).toMatchObject({ type: 'OrderFilled', fillPriceCents: p.priceCents, valueCents: first.quantity * p.priceCents });
      }
    }), { numRuns: 300 });
    // About a third of the prices are locked or stale and many orders unaffordable: still, dozens of batches fill.
    expect(fills).toBeGreaterThan(40);
    expect(batchesWithFills).toBeGreaterThan(25);
  });

  it('never leaves cash or a holding below zero, whatever the batch', () => {
    fc.assert(fc.property(arbBatch, (b) => {
      const { final } = settleRandom(b);
      for (const account of final.accounts.values()) {
        expect(account.cashCents).toBeGreaterThanOrEqual(0);
        for (const q of account.holdings.values()) expect(q).toBeGreaterThanOrEqual(0);
      }
    }));
  });

  it('gives every order exactly one outcome, in order, and one result per idempotency key', () => {
    fc.assert(fc.property(arbBatch, (b) => {
      const { events } = settleRandom(b);
      expect(events.map((e) => e.order.orderId)).toEqual(b.orders.map((o) => o.orderId));
      const results = events.map(resultOf).filter((r) => r !== null);
      const keys = results.map((r) => orderKey(r.userId, r.idempotencyKey));
      expect(new Set(keys).size).toBe(keys.length);
      for (const k of b.executed) expect(keys).not.toContain(orderKey('u1', k));
    }));
  });

  it('balances the ledger and moves exactly the cash the accounts say', () => {
    fc.assert(fc.property(arbBatch, (b) => {
      const { state, events, final } = settleRandom(b);
      const postings = events.flatMap((e) => (e.type === 'OrderFilled' ? e.postings : []));
      expect(unbalancedTransactions(postings).size).toBe(0);
      const moved = accountBalances(postings);
      for (const u of USERS) {
        expect(state.accounts.get(u)!.cashCents + (moved.get(cashAccount(u)) ?? 0)).toBe(final.accounts.get(u)!.cashCents);
      }
    }));
  });

  it('derives guards that hold exactly when every prefix of the fills stays non-negative', () => {
    fc.assert(fc.property(arbBatch, fc.integer({ min: -500, max: 500 }), (b, slackCents) => {
      const { events } = settleRandom(b);
      for (const guard of guardsOf(events).cash) {
        const startCents = guard.requiredCents + slackCents;
        let cash = startCents;
        let lowest = cash;
        for (const e of events) {
          if (e.type !== 'OrderFilled' || e.order.userId !== guard.userId) continue;
          cash += e.order.side === 'BUY' ? -e.valueCents : e.valueCents;
          lowest = Math.min(lowest, cash);
        }
        expect(lowest >= 0).toBe(startCents >= guard.requiredCents);
      }
    }));
  });
});
