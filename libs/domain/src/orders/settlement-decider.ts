// Settlement as a decider: settle a batch of orders, in log order, against the
// state of the users in it. Each order sees the effects of the ones before it,
// so a user's orders fill as an affordable prefix and a sell frees cash for
// the next buy. The app persists the events behind atomic SQL guards.
import { fillPostings } from '../ledger/postings';
import { invariant } from '../invariant';
import { tradeLockPolicy, type FairnessPolicy, type PriceInForce } from '../fairness/fairness-policy';
import {
  evolve,
  initialState,
  orderKey,
  type OrderToSettle,
  type SettlementEvent,
  type SettlementRejectionCode,
  type SettlementState,
} from './settlement-state';

/** Largest quantity of one order; the gateway refuses more before it reaches the log. */
export const MAX_ORDER_QUANTITY = 1_000_000;
/** A price older than this is not used: the order is rejected PRICE_UNAVAILABLE. */
export const DEFAULT_MAX_PRICE_AGE_MS = 30_000;

export interface SettlementConfig {
  maxPriceAgeMs: number;
  fairness: FairnessPolicy;
}

export const DEFAULT_SETTLEMENT_CONFIG: SettlementConfig = { maxPriceAgeMs: DEFAULT_MAX_PRICE_AGE_MS, fairness: tradeLockPolicy };

export type PriceInForceLookup = (playerId: string) => PriceInForce | undefined;

export interface SettleBatch {
  type: 'SettleBatch';
  orders: readonly OrderToSettle[];
  prices: PriceInForceLookup;
  nowMs: number;
}

export interface SettlementDecider {
  decide(command: SettleBatch, state: SettlementState): SettlementEvent[];
  evolve(state: SettlementState, event: SettlementEvent): SettlementState;
  initialState(): SettlementState;
}

export function settlementDecider(config: SettlementConfig = DEFAULT_SETTLEMENT_CONFIG): SettlementDecider {
  invariant(Number.isSafeInteger(config.maxPriceAgeMs) && config.maxPriceAgeMs > 0, () => `maxPriceAgeMs must be a positive integer, got ${config.maxPriceAgeMs}`);
  return { decide: (command, state) => settleBatch(command, state, config), evolve, initialState };
}

function settleBatch(command: SettleBatch, initial: SettlementState, config: SettlementConfig): SettlementEvent[] {
  const events: SettlementEvent[] = [];
  let state = initial;
  for (const order of command.orders) {
    const event = settleOrder(order, state, command, config);
    events.push(event);
    state = evolve(state, event);
  }
  return events;
}

function settleOrder(order: OrderToSettle, state: SettlementState, command: SettleBatch, config: SettlementConfig): SettlementEvent {
  if (state.executedKeys.has(orderKey(order.userId, order.idempotencyKey))) return { type: 'DuplicateIgnored', order };
  const { nowMs } = command;
  const account = state.accounts.get(order.userId);
  const reject = (reason: SettlementRejectionCode, detail: string, retryAfterMs: number | null = null): SettlementEvent => ({
    type: 'OrderRejected', order, reason, detail, retryAfterMs, cashAfterCents: account?.cashCents ?? null, settledAt: nowMs,
  });
  if (!account) return reject('UNKNOWN_ACCOUNT', `user ${order.userId} has no account`);
  if (!Number.isSafeInteger(order.quantity) || order.quantity <= 0 || order.quantity > MAX_ORDER_QUANTITY) {
    return reject('INVALID_ORDER', `quantity must be an integer in 1..${MAX_ORDER_QUANTITY}, got ${order.quantity}`);
  }
  const price = command.prices(order.playerId);
  if (!price) return reject('PRICE_UNAVAILABLE', `no price known for ${order.playerId}`);
  const priceAgeMs = nowMs - price.tickedAt;
  if (priceAgeMs > config.maxPriceAgeMs) return reject('PRICE_UNAVAILABLE', `latest price of ${order.playerId} is ${priceAgeMs} ms old (max ${config.maxPriceAgeMs} ms)`);
  const verdict = config.fairness({ playerId: order.playerId, placedAt: order.placedAt, price, nowMs });
  if (!verdict.allowed) return reject(verdict.rejected, `trading on ${order.playerId} is locked until ${verdict.lockedUntil}`, verdict.retryAfterMs);
  if (order.limitPriceCents !== null) {
    const beyondLimit = order.side === 'BUY' ? price.priceCents > order.limitPriceCents : price.priceCents < order.limitPriceCents;
    if (beyondLimit) return reject('LIMIT_NOT_MET', `price ${price.priceCents} is ${order.side === 'BUY' ? 'above' : 'below'} the limit ${order.limitPriceCents}`);
  }
  const valueCents = order.quantity * price.priceCents;
  if (!Number.isSafeInteger(valueCents)) return reject('INVALID_ORDER', `order value ${order.quantity} × ${price.priceCents} is too large`);
  const held = account.holdings.get(order.playerId) ?? 0;
  if (order.side === 'BUY' && account.cashCents < valueCents) {
    return reject('INSUFFICIENT_FUNDS', `costs ${valueCents} cents, cash is ${account.cashCents}`);
  }
  if (order.side === 'SELL' && held < order.quantity) {
    return reject('INSUFFICIENT_HOLDINGS', `sells ${order.quantity} shares, holds ${held}`);
  }
  const sign = order.side === 'BUY' ? -1 : 1;
  return {
    type: 'OrderFilled',
    order,
    fillPriceCents: price.priceCents,
    tickSeq: price.seq,
    valueCents,
    cashAfterCents: account.cashCents + sign * valueCents,
    holdingAfter: held - sign * order.quantity,
    postings: fillPostings(order.orderId, { userId: order.userId, playerId: order.playerId, side: order.side, valueCents }),
    settledAt: nowMs,
  };
}
