// Settlement as a decider: settle a batch of orders, in log order, against the
// state of the users in it. Each order sees the effects of the ones before it,
// so a user's orders fill as an affordable prefix and a sell frees cash for
// the next buy. The app persists the events behind atomic SQL guards.
import { fillPostings } from '../ledger/postings';
import { invariant } from '../invariant';
import { available, fillsVoidedBy, voidFill, type LateEventTick, type VoidableFill } from '../fairness/event-time-void';
import { DEFAULT_FAIRNESS_POLICY, executeAt, fairnessVerdict, type FairnessPolicyConfig, type PriceInForce } from '../fairness/fairness-policy';
import {
  evolve,
  initialState,
  orderKey,
  type OrderToSettle,
  type SettlementEvent,
  type SettlementRejectionCode,
  type SettlementState,
  VOIDED_LATE_EVENT,
} from './settlement-state';

/** Largest quantity of one order; the gateway refuses more before it reaches the log. */
export const MAX_ORDER_QUANTITY = 1_000_000;
/** A price older than this is not used: the order is rejected PRICE_UNAVAILABLE. */
export const DEFAULT_MAX_PRICE_AGE_MS = 30_000;

/** The policy of the player's market: one for the deployment, or chosen per match by the caller. */
export type FairnessSelector = FairnessPolicyConfig | ((playerId: string) => FairnessPolicyConfig);

export interface SettlementConfig {
  maxPriceAgeMs: number;
  fairness: FairnessSelector;
}

export const DEFAULT_SETTLEMENT_CONFIG: SettlementConfig = { maxPriceAgeMs: DEFAULT_MAX_PRICE_AGE_MS, fairness: DEFAULT_FAIRNESS_POLICY };

export type PriceInForceLookup = (playerId: string) => PriceInForce | undefined;
/** A player's recent ticks, ascending by seq (delayed execution and sealed batches price from them). */
export type PriceHistoryLookup = (playerId: string) => readonly PriceInForce[];

export interface SettleBatch {
  type: 'SettleBatch';
  orders: readonly OrderToSettle[];
  prices: PriceInForceLookup;
  history?: PriceHistoryLookup;
  nowMs: number;
  /**
   * Orders that were deferred and are now due (the pending executor): they are
   * priced, never deferred again. Intake leaves it false.
   */
  executingPending?: boolean;
}

/** A fill as the void rule needs it: what was filled, and the idempotency key of its order. */
export interface FilledOrder extends VoidableFill {
  idempotencyKey: string;
  fillPriceCents: number;
}

/**
 * An EVENT tick arrived for a player under event-time void: reverse that
 * player's fills placed after the event happened, priced before its tick and
 * still provisional. `fills` are the player's recent fills not voided yet.
 */
export interface VoidLateFills {
  type: 'VoidLateFills';
  tick: LateEventTick;
  fills: readonly FilledOrder[];
  nowMs: number;
  voidHorizonMs: number;
}

export type SettlementCommand = SettleBatch | VoidLateFills;

export function policyOf(config: SettlementConfig, playerId: string): FairnessPolicyConfig {
  return typeof config.fairness === 'function' ? config.fairness(playerId) : config.fairness;
}

export interface SettlementDecider {
  decide(command: SettlementCommand, state: SettlementState): SettlementEvent[];
  evolve(state: SettlementState, event: SettlementEvent): SettlementState;
  initialState(): SettlementState;
}

export function settlementDecider(config: SettlementConfig = DEFAULT_SETTLEMENT_CONFIG): SettlementDecider {
  invariant(Number.isSafeInteger(config.maxPriceAgeMs) && config.maxPriceAgeMs > 0, () => `maxPriceAgeMs must be a positive integer, got ${config.maxPriceAgeMs}`);
  return {
    decide: (command, state) => (command.type === 'SettleBatch' ? settleBatch(command, state, config) : voidLateFills(command, state)),
    evolve,
    initialState,
  };
}

function voidLateFills(command: VoidLateFills, initial: SettlementState): SettlementEvent[] {
  const events: SettlementEvent[] = [];
  let state = initial;
  const voided = fillsVoidedBy(command.tick, command.fills, command.nowMs, command.voidHorizonMs) as FilledOrder[];
  for (const fill of voided) {
    const account = state.accounts.get(fill.userId);
    invariant(account !== undefined, () => `void of ${fill.orderId}: account ${fill.userId} is missing`);
    const effect = voidFill(account, fill);
    const event: SettlementEvent = {
      type: 'FillVoided',
      order: { orderId: fill.orderId, userId: fill.userId, idempotencyKey: fill.idempotencyKey, playerId: fill.playerId, side: fill.side, quantity: fill.quantity, limitPriceCents: null, placedAt: fill.placedAt },
      reason: VOIDED_LATE_EVENT, fillPriceCents: fill.fillPriceCents, tickSeq: fill.tickSeq, valueCents: fill.valueCents,
      cashAfterCents: effect.cashAfterCents, holdingAfter: effect.holdingAfter, postings: effect.postings, settledAt: command.nowMs,
      cause: { eventId: command.tick.eventId, tickSeq: command.tick.seq, occurredAt: command.tick.occurredAt },
    };
    events.push(event);
    state = evolve(state, event);
  }
  return events;
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
  const policy = policyOf(config, order.playerId);
  const dueAt = executeAt(order.placedAt, policy);
  if (dueAt !== null && !command.executingPending) return { type: 'OrderDeferred', order, executeAt: dueAt };
  const latest = command.prices(order.playerId);
  if (!latest) return reject('PRICE_UNAVAILABLE', `no price known for ${order.playerId}`);
  const verdict = fairnessVerdict(policy, { playerId: order.playerId, placedAt: order.placedAt, price: latest, history: command.history?.(order.playerId) ?? [latest], nowMs });
  if (!verdict.allowed) {
    invariant(verdict.rejected !== 'NOT_DUE', () => `order ${order.orderId} executed before it was due: ${verdict.detail}`);
    return reject(verdict.rejected, verdict.detail, verdict.retryAfterMs);
  }
  const { price } = verdict;
  const priceAgeMs = verdict.executedAt - price.tickedAt;
  if (priceAgeMs > config.maxPriceAgeMs) return reject('PRICE_UNAVAILABLE', `latest price of ${order.playerId} is ${priceAgeMs} ms old (max ${config.maxPriceAgeMs} ms)`);
  if (order.limitPriceCents !== null) {
    const beyondLimit = order.side === 'BUY' ? price.priceCents > order.limitPriceCents : price.priceCents < order.limitPriceCents;
    if (beyondLimit) return reject('LIMIT_NOT_MET', `price ${price.priceCents} is ${order.side === 'BUY' ? 'above' : 'below'} the limit ${order.limitPriceCents}`);
  }
  const valueCents = order.quantity * price.priceCents;
  if (!Number.isSafeInteger(valueCents)) return reject('INVALID_ORDER', `order value ${order.quantity} × ${price.priceCents} is too large`);
  const held = account.holdings.get(order.playerId) ?? 0;
  const usable = available(account, order.playerId);
  if (order.side === 'BUY' && usable.cashCents < valueCents) {
    const provisional = account.cashCents - usable.cashCents;
    return reject('INSUFFICIENT_FUNDS', `costs ${valueCents} cents, cash is ${account.cashCents}${provisional > 0 ? ` of which ${provisional} is provisional (voidable sale proceeds)` : ''}`);
  }
  if (order.side === 'SELL' && usable.shares < order.quantity) {
    const provisional = held - usable.shares;
    return reject('INSUFFICIENT_HOLDINGS', `sells ${order.quantity} shares, holds ${held}${provisional > 0 ? ` of which ${provisional} are provisional (voidable buys)` : ''}`);
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
    provisional: policy.policy === 'event-time-void',
  };
}
