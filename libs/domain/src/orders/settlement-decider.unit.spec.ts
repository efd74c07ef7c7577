import { describe, expect, it } from 'vitest';
import { NO_FAIRNESS, TRADE_LOCK } from '../fairness/fairness-policy';
import { unbalancedTransactions } from '../ledger/postings';
import { settlementDecider, DEFAULT_SETTLEMENT_CONFIG } from './settlement-decider';
import { guardsOf, resultOf, tradeOf } from './settlement-effects';
import { orderKey, type SettlementEvent } from './settlement-state';
import { NOW, order, price, stateWith } from './settlement.fixtures';

const decider = settlementDecider({ maxPriceAgeMs: 5_000, fairness: TRADE_LOCK });
const at = (p = price()) => (id: string) => (id === p.playerId ? p : undefined);
const settle = (orders: ReturnType<typeof order>[], state = stateWith({ u1: { cashCents: 10_000 } }), p = price()) =>
  decider.decide({ type: 'SettleBatch', orders, prices: at(p), nowMs: NOW }, state);
const summary = (events: SettlementEvent[]) => events.map((e) => (e.type === 'OrderRejected' ? e.reason : e.type));

describe('settlement decider', () => {
  it('fills a buy at the latest price, records its tick seq and takes the cost from cash', () => {
    const [filled] = settle([order({ quantity: 3 })]);
    expect(filled).toMatchObject({ type: 'OrderFilled', fillPriceCents: 1_000, tickSeq: 7, valueCents: 3_000, cashAfterCents: 7_000, holdingAfter: 3 });
  });

  it('fills only the affordable prefix of a user\'s buys, in log order', () => {
    const events = settle([order({ quantity: 4 }), order({ quantity: 5 }), order({ quantity: 2 }), order({ quantity: 1 })]);
    expect(summary(events)).toEqual(['OrderFilled', 'OrderFilled', 'INSUFFICIENT_FUNDS', 'OrderFilled']);
    expect(events.at(-1)).toMatchObject({ cashAfterCents: 0 });
  });

  it('lets a sell free cash for the next buy in the same batch', () => {
    const state = stateWith({ u1: { cashCents: 0, holdings: { p9: 2 } } });
    const events = settle([order({ side: 'BUY', quantity: 1 }), order({ side: 'SELL', quantity: 2 }), order({ side: 'BUY', quantity: 2 })], state);
    expect(summary(events)).toEqual(['INSUFFICIENT_FUNDS', 'OrderFilled', 'OrderFilled']);
  });

  it('refuses to sell shares the user does not hold (no short selling)', () => {
    const events = settle([order({ side: 'SELL', quantity: 1 })]);
    expect(events[0]).toMatchObject({ type: 'OrderRejected', reason: 'INSUFFICIENT_HOLDINGS' });
  });

  it('respects a limit price on both sides', () => {
    const state = stateWith({ u1: { cashCents: 10_000, holdings: { p9: 5 } } });
    const events = settle([
      order({ side: 'BUY', limitPriceCents: 999 }), order({ side: 'BUY', limitPriceCents: 1_000 }),
      order({ side: 'SELL', limitPriceCents: 1_001 }), order({ side: 'SELL', limitPriceCents: 1_000 }),
    ], state);
    expect(summary(events)).toEqual(['LIMIT_NOT_MET', 'OrderFilled', 'LIMIT_NOT_MET', 'OrderFilled']);
  });

  it('rejects with PRICE_UNAVAILABLE rather than fill at a stale price or with no price at all', () => {
    expect(settle([order()], undefined, price({ tickedAt: NOW - 5_001 }))[0]).toMatchObject({ reason: 'PRICE_UNAVAILABLE' });
    expect(settle([order({ playerId: 'nobody' })])[0]).toMatchObject({ reason: 'PRICE_UNAVAILABLE' });
    expect(settle([order()], undefined, price({ tickedAt: NOW - 5_000 }))[0]).toMatchObject({ type: 'OrderFilled' });
  });

  it('rejects a buy while the player is locked and says when it lifts', () => {
    const [event] = settle([order()], undefined, price({ lockedUntil: NOW + 42_000 }));
    expect(event).toMatchObject({ type: 'OrderRejected', reason: 'TRADE_LOCKED', retryAfterMs: 42_000 });
    expect(resultOf(event!)).toMatchObject({ status: 'REJECTED', reason: 'TRADE_LOCKED', retryAfterMs: 42_000 });
    expect(settle([order()], undefined, price({ lockedUntil: NOW }))[0]).toMatchObject({ type: 'OrderFilled' });
  });

  it('takes the fairness policy as a plain function', () => {
    const lenient = settlementDecider({ ...DEFAULT_SETTLEMENT_CONFIG, fairness: NO_FAIRNESS });
    const [event] = lenient.decide({ type: 'SettleBatch', orders: [order()], prices: at(price({ lockedUntil: NOW + 1 })), nowMs: NOW }, stateWith({ u1: { cashCents: 5_000 } }));
    expect(event?.type).toBe('OrderFilled');
  });

  it('never executes an idempotency key twice, in the same batch or after an earlier one', () => {
    const first = order({ idempotencyKey: 'same' });
    const again = { ...first };
    expect(summary(settle([first, again]))).toEqual(['OrderFilled', 'DuplicateIgnored']);
    const state = stateWith({ u1: { cashCents: 10_000 } }, [orderKey('u1', 'same')]);
    expect(summary(settle([again], state))).toEqual(['DuplicateIgnored']);
    expect(resultOf({ type: 'DuplicateIgnored', order: again })).toBeNull();
  });

  it('rejects orders of unknown accounts and invalid quantities', () => {
    expect(settle([order({ userId: 'ghost' })])[0]).toMatchObject({ reason: 'UNKNOWN_ACCOUNT' });
    expect(settle([order({ quantity: 0 })])[0]).toMatchObject({ reason: 'INVALID_ORDER' });
    expect(settle([order({ quantity: 1.5 })])[0]).toMatchObject({ reason: 'INVALID_ORDER' });
  });

  it('posts balanced ledger entries for every fill and publishes a trade keyed by the order', () => {
    const [event] = settle([order({ orderId: 'o-x', quantity: 2 })]);
    if (event?.type !== 'OrderFilled') throw new Error('expected a fill');
    expect(unbalancedTransactions(event.postings).size).toBe(0);
    expect(event.postings).toContainEqual({ transactionId: 'o-x', account: 'cash:u1', amountCents: -2_000 });
    expect(tradeOf(event)).toMatchObject({ tradeId: 'o-x', priceCents: 1_000, tickSeq: 7, quantity: 2 });
  });

  it('tells the database how much cash and how many shares each user needs before the batch', () => {
    const state = stateWith({ u1: { cashCents: 1_000, holdings: { p9: 1 } } });
    const events = settle([order({ side: 'SELL', quantity: 1 }), order({ side: 'BUY', quantity: 2 }), order({ side: 'BUY', quantity: 1 })], state);
    expect(summary(events)).toEqual(['OrderFilled', 'OrderFilled', 'INSUFFICIENT_FUNDS']);
    expect(guardsOf(events)).toEqual({
      cash: [{ userId: 'u1', deltaCents: -1_000, requiredCents: 1_000 }],
      holdings: [{ userId: 'u1', playerId: 'p9', deltaQuantity: 1, requiredQuantity: 1 }],
    });
  });
});
