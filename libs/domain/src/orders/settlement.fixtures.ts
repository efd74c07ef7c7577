// Builders for settlement specs: orders, prices and user states in one line each.
import type { PriceInForce } from '../fairness/fairness-policy';
import type { OrderToSettle, SettlementState } from './settlement-state';

/** 2026-11-24T20:00:00Z, fixed: domain specs never read a clock. */
export const NOW = 1_795_550_400_000;

let seq = 0;
export function order(overrides: Partial<OrderToSettle> = {}): OrderToSettle {
  seq += 1;
  return {
    orderId: `o${seq}`, userId: 'u1', idempotencyKey: `k${seq}`, playerId: 'p9', side: 'BUY', quantity: 1,
    limitPriceCents: null, placedAt: NOW - 10, ...overrides,
  };
}

export function price(overrides: Partial<PriceInForce> = {}): PriceInForce {
  return { playerId: 'p9', priceCents: 1_000, seq: 7, tickedAt: NOW - 1_000, lockedUntil: null, ...overrides };
}

export function stateWith(users: Record<string, { cashCents: number; holdings?: Record<string, number> }>, executedKeys: string[] = []): SettlementState {
  return {
    accounts: new Map(Object.entries(users).map(([id, u]) => [id, { cashCents: u.cashCents, holdings: new Map(Object.entries(u.holdings ?? {})) }])),
    executedKeys: new Set(executedKeys),
  };
}
