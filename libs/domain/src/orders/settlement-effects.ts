// What a batch's events mean for storage: the guards the database must check
// (so a divergence between decider and database aborts the batch instead of
// overspending) and the records to publish (order.results, trades).
import type { OrderResult, Trade } from '@inplay/contracts';
import type { SettlementEvent } from './settlement-state';

/** Net cash change of one user over a batch and the cash needed before it so that no prefix goes negative. */
export interface CashGuard {
  userId: string;
  deltaCents: number;
  requiredCents: number;
}

/** The same for one user's shares of one player. */
export interface HoldingGuard {
  userId: string;
  playerId: string;
  deltaQuantity: number;
  requiredQuantity: number;
}

export function guardsOf(events: readonly SettlementEvent[]): { cash: CashGuard[]; holdings: HoldingGuard[] } {
  const cash = new Map<string, CashGuard>();
  const holdings = new Map<string, HoldingGuard>();
  for (const event of events) {
    if (event.type !== 'OrderFilled') continue;
    const { userId, playerId, side, quantity } = event.order;
    const c = cash.get(userId) ?? { userId, deltaCents: 0, requiredCents: 0 };
    c.deltaCents += side === 'BUY' ? -event.valueCents : event.valueCents;
    c.requiredCents = Math.max(c.requiredCents, -c.deltaCents);
    cash.set(userId, c);
    const key = `${userId}\u0000${playerId}`;
    const h = holdings.get(key) ?? { userId, playerId, deltaQuantity: 0, requiredQuantity: 0 };
    h.deltaQuantity += side === 'BUY' ? quantity : -quantity;
    h.requiredQuantity = Math.max(h.requiredQuantity, -h.deltaQuantity);
    holdings.set(key, h);
  }
  return { cash: [...cash.values()], holdings: [...holdings.values()] };
}

/** The one result of an order, or null for a duplicate (its result already exists). */
export function resultOf(event: SettlementEvent): OrderResult | null {
  if (event.type === 'DuplicateIgnored' || event.type === 'OrderDeferred') return null;
  const { order } = event;
  const common = {
    orderId: order.orderId, userId: order.userId, idempotencyKey: order.idempotencyKey, playerId: order.playerId,
    side: order.side, quantity: order.quantity, placedAt: order.placedAt, settledAt: event.settledAt, cashAfterCents: event.cashAfterCents,
  };
  if (event.type === 'FillVoided') {
    return { ...common, status: 'VOIDED', reason: event.reason, fillPriceCents: event.fillPriceCents, tickSeq: event.tickSeq, costCents: event.valueCents, retryAfterMs: null };
  }
  if (event.type === 'OrderRejected') {
    return { ...common, status: event.reason === 'VOIDED_EVENT' ? 'VOIDED' : 'REJECTED', reason: event.reason, fillPriceCents: null, tickSeq: null, costCents: null, retryAfterMs: event.retryAfterMs };
  }
  return { ...common, status: 'FILLED', reason: null, fillPriceCents: event.fillPriceCents, tickSeq: event.tickSeq, costCents: event.valueCents, retryAfterMs: null };
}

/** The trade of a fill (tradeId = orderId: one order fills at most once), or null. */
export function tradeOf(event: SettlementEvent): Trade | null {
  if (event.type !== 'OrderFilled') return null;
  const { order } = event;
  return {
    tradeId: order.orderId, orderId: order.orderId, userId: order.userId, playerId: order.playerId, side: order.side,
    quantity: order.quantity, priceCents: event.fillPriceCents, tickSeq: event.tickSeq, executedAt: event.settledAt,
  };
}
