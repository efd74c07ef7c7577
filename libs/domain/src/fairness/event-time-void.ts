// Event-time void: a fill placed after an event happened on the pitch but priced
// before that event's tick (so before we knew of it) is reversed when the tick
// arrives. The reversal is a compensating ledger transaction (the original
// entries stay); cash and holdings return to what they would be had the fill
// never happened. To make that always possible without a cascade, a fill stays
// provisional for `voidHorizonMs`: bought shares cannot be sold and sale
// proceeds cannot be spent until then (see `available`).
import { invariant } from '../invariant';
import { fillPostings, type Posting } from '../ledger/postings';
import type { AccountState } from '../orders/settlement-state';

export interface VoidableFill {
  orderId: string;
  userId: string;
  playerId: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  valueCents: number;
  placedAt: number;
  /** Seq of the tick the fill was priced at. */
  tickSeq: number;
}

/** An EVENT tick as the void rule sees it. */
export interface LateEventTick {
  playerId: string;
  seq: number;
  eventId: string | null;
  /** When the event happened on the pitch. */
  occurredAt: number;
}

/**
 * The fills `tick` voids: same player, placed after the event happened, priced
 * before its tick, and still provisional at `nowMs`.
 */
export function fillsVoidedBy(tick: LateEventTick, fills: readonly VoidableFill[], nowMs: number, voidHorizonMs: number): VoidableFill[] {
  return fills.filter((f) => f.playerId === tick.playerId && f.placedAt > tick.occurredAt && f.tickSeq < tick.seq && isProvisional(f.placedAt, nowMs, voidHorizonMs));
}

export function isProvisional(placedAt: number, nowMs: number, voidHorizonMs: number): boolean {
  return placedAt >= nowMs - voidHorizonMs;
}

/** What a user may use now: cash and shares minus the provisional sale proceeds and bought shares. */
export function available(account: AccountState, playerId: string): { cashCents: number; shares: number } {
  const provisional = account.provisional;
  return {
    cashCents: account.cashCents - (provisional?.cashCents ?? 0),
    shares: (account.holdings.get(playerId) ?? 0) - (provisional?.holdings.get(playerId) ?? 0),
  };
}

/** The provisional part of an account after a fill made under event-time void. */
export function addProvisional(account: AccountState, fill: Pick<VoidableFill, 'playerId' | 'side' | 'quantity' | 'valueCents'>, sign: 1 | -1 = 1): AccountState['provisional'] {
  const provisional = account.provisional ?? { cashCents: 0, holdings: new Map<string, number>() };
  if (fill.side === 'SELL') return { cashCents: provisional.cashCents + sign * fill.valueCents, holdings: provisional.holdings };
  const holdings = new Map(provisional.holdings);
  holdings.set(fill.playerId, (holdings.get(fill.playerId) ?? 0) + sign * fill.quantity);
  return { cashCents: provisional.cashCents, holdings };
}

export function voidTransactionId(orderId: string): string {
  return `void:${orderId}`;
}

/** The compensating postings of a fill: the fill's own postings with the signs turned, under a transaction of their own. */
export function voidPostings(fill: Pick<VoidableFill, 'orderId' | 'userId' | 'playerId' | 'side' | 'valueCents'>): Posting[] {
  return fillPostings(voidTransactionId(fill.orderId), fill).map((p) => ({ ...p, amountCents: -p.amountCents }));
}

export interface VoidEffect {
  fill: VoidableFill;
  cashAfterCents: number;
  holdingAfter: number;
  postings: Posting[];
  account: AccountState;
}

/**
 * Reverses one provisional fill on the account. Throws (a broken invariant)
 * if the account could not give back what the fill brought, which the
 * provisional rule rules out.
 */
export function voidFill(account: AccountState, fill: VoidableFill): VoidEffect {
  const held = account.holdings.get(fill.playerId) ?? 0;
  const buy = fill.side === 'BUY';
  const cashAfterCents = account.cashCents + (buy ? fill.valueCents : -fill.valueCents);
  const holdingAfter = held + (buy ? -fill.quantity : fill.quantity);
  invariant(cashAfterCents >= 0 && holdingAfter >= 0, () => `void of ${fill.orderId} would leave cash ${cashAfterCents}, holding ${holdingAfter}`);
  const holdings = new Map(account.holdings).set(fill.playerId, holdingAfter);
  const provisional = addProvisional(account, fill, -1);
  return { fill, cashAfterCents, holdingAfter, postings: voidPostings(fill), account: { cashCents: cashAfterCents, holdings, ...(provisional ? { provisional } : {}) } };
}

/**
 * The provisional part of each user's account: their fills still voidable at
 * `nowMs`. `voidHorizonOf` gives a player's horizon under event-time void, or
 * undefined where the policy is another (such fills are never provisional).
 */
export function provisionalOf(
  fills: Iterable<Pick<VoidableFill, 'userId' | 'playerId' | 'side' | 'quantity' | 'valueCents' | 'placedAt'>>,
  nowMs: number,
  voidHorizonOf: (playerId: string) => number | undefined,
): Map<string, NonNullable<AccountState['provisional']>> {
  // Built in place (the maps are new and only returned): copying a user's holdings per fill
  // made this quadratic in the fills of a busy lock window.
  const byUser = new Map<string, { cashCents: number; holdings: Map<string, number> }>();
  for (const fill of fills) {
    const horizon = voidHorizonOf(fill.playerId);
    if (horizon === undefined || !isProvisional(fill.placedAt, nowMs, horizon)) continue;
    let sum = byUser.get(fill.userId);
    if (!sum) byUser.set(fill.userId, sum = { cashCents: 0, holdings: new Map() });
    if (fill.side === 'SELL') sum.cashCents += fill.valueCents;
    else sum.holdings.set(fill.playerId, (sum.holdings.get(fill.playerId) ?? 0) + fill.quantity);
  }
  return byUser;
}
