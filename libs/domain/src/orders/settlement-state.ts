// What settlement knows of the users in a batch (cash, holdings, executed
// idempotency keys) and how each settlement event changes it.
import type { Order } from '@inplay/contracts';
import { invariant } from '../invariant';
import type { Posting } from '../ledger/postings';
import { addProvisional } from '../fairness/event-time-void';

/** An order as settlement decides it: the record on `orders` (schemas/order.avsc) without the intake's body hash. */
export type OrderToSettle = Omit<Order, 'bodyHash'>;

export type SettlementRejectionCode =
  | 'INSUFFICIENT_FUNDS'
  | 'INSUFFICIENT_HOLDINGS'
  | 'LIMIT_NOT_MET'
  | 'PRICE_UNAVAILABLE'
  | 'TRADE_LOCKED'
  | 'VOIDED_EVENT'
  | 'UNKNOWN_ACCOUNT'
  | 'INVALID_ORDER';

/** Why a fill was reversed after the fact (event-time void): it was placed after an event happened on the pitch and priced before its tick. */
export const VOIDED_LATE_EVENT = 'VOIDED_LATE_EVENT';
export type SettlementVoidReason = typeof VOIDED_LATE_EVENT;

export interface AccountState {
  cashCents: number;
  /** Shares held, by playerId; absent = 0. */
  holdings: ReadonlyMap<string, number>;
  /**
   * Under event-time void: sale proceeds that cannot be spent and bought shares
   * that cannot be sold yet, because their fill may still be voided.
   */
  provisional?: { cashCents: number; holdings: ReadonlyMap<string, number> };
}

export interface SettlementState {
  accounts: ReadonlyMap<string, AccountState>;
  /** `orderKey(userId, idempotencyKey)` of every order already settled. */
  executedKeys: ReadonlySet<string>;
}

/** What a fill (or the reversal of one) does: at which price and tick, for how much, and the account after it. */
export interface FillEffect {
  order: OrderToSettle;
  fillPriceCents: number;
  tickSeq: number;
  /** quantity × fillPriceCents: paid for a buy, received for a sell. */
  valueCents: number;
  cashAfterCents: number;
  holdingAfter: number;
  postings: readonly Posting[];
  settledAt: number;
}

export type SettlementEvent =
  | (FillEffect & {
      type: 'OrderFilled';
      /** Made under event-time void: voidable until its horizon passes. */
      provisional: boolean;
    })
  /** The policy executes the order later (delayed, sealed batch): kept pending until `executeAt`. */
  | { type: 'OrderDeferred'; order: OrderToSettle; executeAt: number }
  | {
      type: 'OrderRejected';
      order: OrderToSettle;
      reason: SettlementRejectionCode;
      detail: string;
      retryAfterMs: number | null;
      cashAfterCents: number | null;
      settledAt: number;
    }
  /** The idempotency key was already executed: no new effect and no new result. */
  | { type: 'DuplicateIgnored'; order: OrderToSettle }
  /** A provisional fill reversed by event-time void: compensating postings, cash and holding as if it never happened. */
  /** The fill's price, tick and value are those of the fill being reversed; the postings compensate it. */
  | (FillEffect & {
      type: 'FillVoided';
      reason: SettlementVoidReason;
      /** The event whose tick revealed that the fill came too late. */
      cause: { eventId: string | null; tickSeq: number; occurredAt: number };
    });

export function orderKey(userId: string, idempotencyKey: string): string {
  return `${userId}\u0000${idempotencyKey}`;
}

export function initialState(): SettlementState {
  return { accounts: new Map(), executedKeys: new Set() };
}

export function evolve(state: SettlementState, event: SettlementEvent): SettlementState {
  switch (event.type) {
    case 'DuplicateIgnored':
      return state;
    case 'OrderRejected':
    case 'OrderDeferred':
      return { ...state, executedKeys: new Set(state.executedKeys).add(orderKey(event.order.userId, event.order.idempotencyKey)) };
    case 'OrderFilled': {
      const { order } = event;
      const account = state.accounts.get(order.userId);
      invariant(account !== undefined, () => `fill for unknown account ${order.userId}`);
      invariant(event.cashAfterCents >= 0 && event.holdingAfter >= 0, () => `fill ${order.orderId} leaves cash ${event.cashAfterCents}, holding ${event.holdingAfter}`);
      const holdings = new Map(account.holdings).set(order.playerId, event.holdingAfter);
      const provisional = event.provisional ? addProvisional(account, { playerId: order.playerId, side: order.side, quantity: order.quantity, valueCents: event.valueCents }) : account.provisional;
      const accounts = new Map(state.accounts).set(order.userId, { cashCents: event.cashAfterCents, holdings, ...(provisional ? { provisional } : {}) });
      return { accounts, executedKeys: new Set(state.executedKeys).add(orderKey(order.userId, order.idempotencyKey)) };
    }
    case 'FillVoided': {
      const { order } = event;
      const account = state.accounts.get(order.userId);
      invariant(account !== undefined, () => `void for unknown account ${order.userId}`);
      invariant(event.cashAfterCents >= 0 && event.holdingAfter >= 0, () => `void of ${order.orderId} leaves cash ${event.cashAfterCents}, holding ${event.holdingAfter}`);
      const holdings = new Map(account.holdings).set(order.playerId, event.holdingAfter);
      const provisional = addProvisional(account, { playerId: order.playerId, side: order.side, quantity: order.quantity, valueCents: event.valueCents }, -1);
      return { ...state, accounts: new Map(state.accounts).set(order.userId, { cashCents: event.cashAfterCents, holdings, ...(provisional ? { provisional } : {}) }) };
    }
  }
}
