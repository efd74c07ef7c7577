import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountBalances, cashAccount, unbalancedTransactions, type Posting } from '../ledger/postings';
import { settlementDecider } from '../orders/settlement-decider';
import { evolve, type AccountState, type SettlementEvent, type SettlementState } from '../orders/settlement-state';
import { addProvisional, available, fillsVoidedBy, isProvisional, provisionalOf, voidFill, type VoidableFill } from './event-time-void';
import type { FairnessPolicyConfig, PriceInForce } from './fairness-policy';

const NOW = 1_795_550_400_000;
const HORIZON_MS = 45_000;
const policy: FairnessPolicyConfig = { policy: 'event-time-void', voidHorizonMs: HORIZON_MS };
const decider = settlementDecider({ maxPriceAgeMs: 3_600_000, fairness: policy });

const fill = (overrides: Partial<VoidableFill> = {}): VoidableFill => ({
  orderId: 'o1', userId: 'u1', playerId: 'p9', side: 'BUY', quantity: 2, valueCents: 2_000, placedAt: NOW - 10_000, tickSeq: 4, ...overrides,
});

describe('event-time void: which fills', () => {
  const goal = { playerId: 'p9', seq: 5, eventId: 'e1', occurredAt: NOW - 30_000 };

  it('voids fills placed after the event happened and priced before its tick', () => {
    const fills = [
      fill({ orderId: 'after-priced-before' }),
      fill({ orderId: 'before-event', placedAt: NOW - 31_000 }),
      fill({ orderId: 'priced-after-tick', tickSeq: 5 }),
      fill({ orderId: 'other-player', playerId: 'p10' }),
      fill({ orderId: 'placed-later', placedAt: NOW - 29_000, tickSeq: 1 }),
    ];
    expect(fillsVoidedBy(goal, fills, NOW, HORIZON_MS).map((f) => f.orderId)).toEqual(['after-priced-before', 'placed-later']);
    expect(fillsVoidedBy(goal, fills, NOW + 40_000, HORIZON_MS).map((f) => f.orderId)).toEqual([]);
  });
});

describe('event-time void: reversal', () => {
  it('gives back the cost of a buy and takes back the shares, with a compensating transaction', () => {
    const account: AccountState = { cashCents: 8_000, holdings: new Map([['p9', 2]]), provisional: { cashCents: 0, holdings: new Map([['p9', 2]]) } };
    const effect = voidFill(account, fill());
    expect(effect).toMatchObject({ cashAfterCents: 10_000, holdingAfter: 0 });
    expect(effect.account.provisional?.holdings.get('p9')).toBe(0);
    expect(effect.postings.every((p) => p.transactionId === 'void:o1')).toBe(true);
    expect(unbalancedTransactions(effect.postings).size).toBe(0);
  });

  it('refuses a reversal the account cannot give back (the provisional rule prevents it)', () => {
    expect(() => voidFill({ cashCents: 100, holdings: new Map() }, fill({ side: 'SELL' }))).toThrow(/would leave cash -1900/);
  });

  // Any sequence of orders settled under event-time void, then any subset of
  // the still-provisional fills voided in any order: no negative cash or
  // holding, a balanced ledger, and the final state equal to settling the
  // same orders with the voided ones left out.
  it('property: a void leaves the ledger balanced and cash/holdings as if the voided fill never happened', () => {
    const orderArb = fc.record({
      side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
      playerId: fc.constantFrom('p1', 'p2'),
      quantity: fc.integer({ min: 1, max: 5 }),
      priceCents: fc.integer({ min: 100, max: 2_000 }),
    });
    fc.assert(fc.property(fc.array(orderArb, { minLength: 1, maxLength: 25 }), fc.array(fc.nat(), { maxLength: 25 }), fc.integer({ min: 0, max: 5_000 }), fc.array(fc.constantFrom('p1', 'p2'), { maxLength: 2 }), (specs, picks, startCash, startHeld) => {
      const held = new Map<string, number>(startHeld.map((p) => [p, 3]));
      const initial: SettlementState = { accounts: new Map([['u1', { cashCents: startCash, holdings: held }]]), executedKeys: new Set() };
      const orders = specs.map((s, i) => ({
        order: { orderId: `o${i}`, userId: 'u1', idempotencyKey: `k${i}`, playerId: s.playerId, side: s.side, quantity: s.quantity, limitPriceCents: null, placedAt: NOW + i },
        price: { playerId: s.playerId, priceCents: s.priceCents, seq: i + 1, tickedAt: NOW + i, lockedUntil: null } satisfies PriceInForce,
      }));
      const settleAll = (state: SettlementState, list: typeof orders) => {
        const events: SettlementEvent[] = [];
        for (const { order, price } of list) {
          const [event] = decider.decide({ type: 'SettleBatch', orders: [order], prices: () => price, nowMs: order.placedAt }, state);
          events.push(event!);
          state = evolve(state, event!);
        }
        return { state, events };
      };
      const live = settleAll(initial, orders);
      const fills = live.events.flatMap((e) => (e.type === 'OrderFilled' ? [e] : []));
      const toVoid = [...new Set(picks.map((p) => fills[p % Math.max(1, fills.length)]).filter((f) => f !== undefined))];
      let account = live.state.accounts.get('u1')!;
      const postings: Posting[] = fills.flatMap((f) => f.postings);
      for (const f of toVoid) {
        const effect = voidFill(account, { orderId: f.order.orderId, userId: 'u1', playerId: f.order.playerId, side: f.order.side, quantity: f.order.quantity, valueCents: f.valueCents, placedAt: f.order.placedAt, tickSeq: f.tickSeq });
        expect(effect.cashAfterCents).toBeGreaterThanOrEqual(0);
        expect(effect.holdingAfter).toBeGreaterThanOrEqual(0);
        account = effect.account;
        postings.push(...effect.postings);
      }
      expect(unbalancedTransactions(postings).size).toBe(0);
      expect(startCash + (accountBalances(postings).get(cashAccount('u1')) ?? 0)).toBe(account.cashCents);
      // As if never happened: the remaining fills alone give the same cash and holdings.
      const voided = new Set(toVoid.map((f) => f.order.orderId));
      const kept = fills.filter((f) => !voided.has(f.order.orderId));
      const cash = kept.reduce((c, f) => c + (f.order.side === 'BUY' ? -f.valueCents : f.valueCents), startCash);
      expect(account.cashCents).toBe(cash);
      for (const p of ['p1', 'p2']) {
        const shares = kept.filter((f) => f.order.playerId === p).reduce((q, f) => q + (f.order.side === 'BUY' ? f.order.quantity : -f.order.quantity), held.get(p) ?? 0);
        expect(account.holdings.get(p) ?? 0).toBe(shares);
        expect(available(account, p).shares).toBeGreaterThanOrEqual(0);
      }
      expect(available(account, 'p1').cashCents).toBeGreaterThanOrEqual(0);
    }));
  });

  it('keeps bought shares and sale proceeds unusable while their fill may be voided', () => {
    const state: SettlementState = { accounts: new Map([['u1', { cashCents: 1_000, holdings: new Map() }]]), executedKeys: new Set() };
    const tick = { playerId: 'p9', priceCents: 500, seq: 1, tickedAt: NOW, lockedUntil: null };
    const order = (i: number, side: 'BUY' | 'SELL') => ({ orderId: `o${i}`, userId: 'u1', idempotencyKey: `k${i}`, playerId: 'p9', side, quantity: 2, limitPriceCents: null, placedAt: NOW });
    const events = decider.decide({ type: 'SettleBatch', orders: [order(1, 'BUY'), order(2, 'SELL')], prices: () => tick, nowMs: NOW }, state);
    expect(events.map((e) => (e.type === 'OrderRejected' ? e.reason : e.type))).toEqual(['OrderFilled', 'INSUFFICIENT_HOLDINGS']);
    expect(events[1]).toMatchObject({ detail: expect.stringContaining('2 are provisional') });
  });

  it('property: the provisional sums of a batch are the fills inside their horizon added one by one', () => {
    const fill = fc.record({
      userId: fc.constantFrom('u1', 'u2', 'u3'), playerId: fc.constantFrom('p1', 'p2', 'p3'), side: fc.constantFrom('BUY' as const, 'SELL' as const),
      quantity: fc.integer({ min: 1, max: 50 }), valueCents: fc.integer({ min: 1, max: 100_000 }), placedAt: fc.integer({ min: NOW - 20_000, max: NOW }),
    });
    fc.assert(fc.property(fc.array(fill, { maxLength: 60 }), fc.integer({ min: 0, max: 15_000 }), (fills, horizonMs) => {
      const horizonOf = (playerId: string) => (playerId === 'p3' ? undefined : horizonMs);
      const expected = new Map<string, NonNullable<AccountState['provisional']>>();
      for (const f of fills) {
        const horizon = horizonOf(f.playerId);
        if (horizon === undefined || !isProvisional(f.placedAt, NOW, horizon)) continue;
        const current = expected.get(f.userId);
        expected.set(f.userId, addProvisional({ cashCents: 0, holdings: new Map(), ...(current ? { provisional: current } : {}) }, f)!);
      }
      expect(provisionalOf(fills, NOW, horizonOf)).toEqual(expected);
    }));
  });
});
