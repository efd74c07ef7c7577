// The audit's rebuild: the ledger projection (cash, holdings, order rows, the
// hash-chained ledger) folded from the topics alone: the users' opening
// balances (genesis), `orders`, `order.results` (in log order per partition,
// which is each user's settlement order) and `price.ticks`. While folding it
// re-checks every result: one result per order, each fill against the tick it
// names (exists, same price, no lock in force when it settled), the cost, the
// limit, and the cash the result says the user had left.
import type { Order, OrderResult, PriceTick } from '@inplay/contracts';
import { chainPostings, type ChainedEntry, type ChainHead, type Sha256Hex } from '../ledger/chain';
import { fillPostings, issuancePostings } from '../ledger/postings';
import { voidPostings } from '../fairness/event-time-void';
import { DEFAULT_FAIRNESS_SETTINGS, policyForMatch, type FairnessSettings } from '../fairness/fairness-policy';

export type DiscrepancyKind =
  | 'ACCOUNT_CASH_MISMATCH' | 'ACCOUNT_MISSING' | 'ACCOUNT_UNEXPECTED'
  | 'HOLDING_MISMATCH'
  | 'ORDER_ROW_MISMATCH' | 'ORDER_ROW_MISSING' | 'ORDER_ROW_UNEXPECTED'
  | 'LEDGER_ROW_MISMATCH' | 'LEDGER_ROW_MISSING' | 'LEDGER_ROW_UNEXPECTED'
  | 'CHAIN_SEQ_GAP' | 'CHAIN_HASH_MISMATCH'
  | 'RESULT_MISSING' | 'RESULT_DUPLICATE_CONFLICTING' | 'RESULT_WITHOUT_ORDER' | 'RESULT_NOT_MATCHING_ORDER'
  | 'FILL_TICK_MISSING' | 'FILL_PRICE_NOT_TICK_PRICE' | 'FILL_DURING_LOCK' | 'FILL_COST_WRONG' | 'FILL_BEYOND_LIMIT'
  | 'CASH_AFTER_MISMATCH' | 'NEGATIVE_BALANCE'
  | 'LEADERBOARD_MISMATCH';

export interface Discrepancy {
  kind: DiscrepancyKind;
  /** What it is about: a user, an order, a ledger row ("alice#3"), a board. */
  subject: string;
  detail: string;
  context?: Record<string, unknown>;
}

export interface GenesisAccount {
  userId: string;
  openingCashCents: number;
}

/** A row of the `orders` projection: an order's result plus the limit it was placed with. */
export interface OrderRow {
  orderId: string; userId: string; idempotencyKey: string; playerId: string; side: 'BUY' | 'SELL'; quantity: number;
  limitPriceCents: number | null; placedAt: number; status: OrderResult['status']; reason: string | null;
  fillPriceCents: number | null; tickSeq: number | null; costCents: number | null; retryAfterMs: number | null;
  cashAfterCents: number | null; settledAt: number;
}
export type RebuiltOrderRow = OrderRow;

export interface RebuiltProjection {
  cash: Map<string, number>;
  /** `${userId}\u0000${playerId}` → shares (rows with 0 are kept: settlement keeps them too). */
  holdings: Map<string, number>;
  orders: Map<string, RebuiltOrderRow>;
  ledger: ChainedEntry[];
  discrepancies: Discrepancy[];
  /** Identical copies of a result delivered again (the outbox relay is at-least-once): harmless, counted. */
  redeliveredResults: number;
  /** Fills reversed by event-time void (their order rows say VOIDED; the reversal is its own ledger transaction). */
  voidedFills: Set<string>;
}

export const holdingKey = (userId: string, playerId: string): string => `${userId}\u0000${playerId}`;
export const tickKey = (playerId: string, seq: number): string => `${playerId}#${seq}`;

type TickLookup = ReadonlyMap<string, Pick<PriceTick, 'priceCents' | 'lockedUntil'> & { matchId?: string | null }>;

export interface Rebuild {
  applyResult(result: OrderResult): void;
  finish(): RebuiltProjection;
}

/** Starts a rebuild; `orders` and `ticks` are the whole topics (ticks by tickKey), read before the results are folded. */
export function startRebuild(
  genesis: readonly GenesisAccount[],
  orders: ReadonlyMap<string, Order>,
  ticks: TickLookup,
  sha256: Sha256Hex,
  /** The deployment's fairness policies: a fill inside a lock is only wrong where the trade lock applies. */
  fairness: FairnessSettings = DEFAULT_FAIRNESS_SETTINGS,
): Rebuild {
  const voidedFills = new Set<string>();
  const cash = new Map<string, number>();
  const holdings = new Map<string, number>();
  const rows = new Map<string, RebuiltOrderRow>();
  const ledger: ChainedEntry[] = [];
  const discrepancies: Discrepancy[] = [];
  const heads = new Map<string, ChainHead>();
  let redeliveredResults = 0;
  const report = (kind: DiscrepancyKind, subject: string, detail: string, context?: Record<string, unknown>) =>
    discrepancies.push({ kind, subject, detail, ...(context ? { context } : {}) });
  const append = (userId: string, postings: ReturnType<typeof fillPostings>) => {
    // One user's head only: copying every head per fill would make the fold quadratic.
    const head = heads.get(userId);
    const chained = chainPostings(head ? new Map([[userId, head]]) : new Map(), postings.map((posting) => ({ userId, posting })), sha256);
    heads.set(userId, chained.heads.get(userId)!);
    for (const e of chained.entries) ledger.push(e);
  };

  for (const g of [...genesis].sort((a, b) => (a.userId < b.userId ? -1 : 1))) {
    cash.set(g.userId, g.openingCashCents);
    append(g.userId, issuancePostings(`issue:${g.userId}`, g.userId, g.openingCashCents));
  }

  return {
    applyResult(r) {
      const existing = rows.get(r.orderId);
      if (existing?.status === 'FILLED' && r.status === 'VOIDED') {
        if (voidedFills.has(r.orderId)) { redeliveredResults++; return; }
        voidedFills.add(r.orderId);
        // Event-time void: the fill is reversed by a compensating transaction; its order row takes the void's result.
        rows.set(r.orderId, { ...existing, status: r.status, reason: r.reason, cashAfterCents: r.cashAfterCents, settledAt: r.settledAt });
        const valueCents = existing.costCents ?? 0;
        const after = (cash.get(r.userId) ?? 0) + (r.side === 'BUY' ? valueCents : -valueCents);
        const key = holdingKey(r.userId, r.playerId);
        const held = (holdings.get(key) ?? 0) + (r.side === 'BUY' ? -r.quantity : r.quantity);
        if (after < 0 || held < 0) report('NEGATIVE_BALANCE', r.orderId, `void leaves ${r.userId} with cash ${after}, ${held} shares of ${r.playerId}`);
        cash.set(r.userId, after);
        holdings.set(key, held);
        if (valueCents > 0) append(r.userId, voidPostings({ orderId: r.orderId, userId: r.userId, playerId: r.playerId, side: r.side, valueCents }));
        if (r.cashAfterCents !== null && after !== r.cashAfterCents) report('CASH_AFTER_MISMATCH', r.orderId, `void result says ${r.userId} had ${r.cashAfterCents}, the replay has ${after}`, { status: r.status });
        return;
      }
      if (existing) {
        // A fill delivered again after its void (the relay is at-least-once): the void already accounts for it.
        if (r.status === 'FILLED' && voidedFills.has(r.orderId) && existing.fillPriceCents === r.fillPriceCents && existing.tickSeq === r.tickSeq) { redeliveredResults++; return; }
        if (existing.status === r.status && existing.settledAt === r.settledAt && existing.cashAfterCents === r.cashAfterCents) redeliveredResults++;
        else report('RESULT_DUPLICATE_CONFLICTING', r.orderId, `a second, different result (${r.status}) for an order already ${existing.status}`, { first: existing, second: r });
        return;
      }
      const order = orders.get(r.orderId);
      if (!order) report('RESULT_WITHOUT_ORDER', r.orderId, `result ${r.status} for user ${r.userId} names no order on the orders topic`);
      else if (order.userId !== r.userId || order.playerId !== r.playerId || order.side !== r.side || order.quantity !== r.quantity || order.idempotencyKey !== r.idempotencyKey) {
        report('RESULT_NOT_MATCHING_ORDER', r.orderId, 'the result describes another order than the one on the orders topic', { order, result: r });
      }
      rows.set(r.orderId, {
        orderId: r.orderId, userId: r.userId, idempotencyKey: r.idempotencyKey, playerId: r.playerId, side: r.side, quantity: r.quantity,
        limitPriceCents: order?.limitPriceCents ?? null, placedAt: r.placedAt, status: r.status, reason: r.reason, fillPriceCents: r.fillPriceCents,
        tickSeq: r.tickSeq, costCents: r.costCents, retryAfterMs: r.retryAfterMs, cashAfterCents: r.cashAfterCents, settledAt: r.settledAt,
      });
      if (r.status === 'FILLED') {
        checkFill(r, order, ticks, fairness, report);
        const valueCents = r.costCents ?? 0;
        const before = cash.get(r.userId) ?? 0;
        const after = before + (r.side === 'BUY' ? -valueCents : valueCents);
        const key = holdingKey(r.userId, r.playerId);
        const held = (holdings.get(key) ?? 0) + (r.side === 'BUY' ? r.quantity : -r.quantity);
        if (after < 0 || held < 0) report('NEGATIVE_BALANCE', r.orderId, `fill leaves ${r.userId} with cash ${after}, ${held} shares of ${r.playerId}`);
        cash.set(r.userId, after);
        holdings.set(key, held);
        if (valueCents > 0) append(r.userId, fillPostings(r.orderId, { userId: r.userId, playerId: r.playerId, side: r.side, valueCents }));
      }
      const now = cash.get(r.userId);
      if (r.cashAfterCents !== null && now !== r.cashAfterCents) {
        report('CASH_AFTER_MISMATCH', r.orderId, `result says ${r.userId} had ${r.cashAfterCents} left, the replay has ${now ?? 'no account'}`, { status: r.status });
      }
    },
    finish() {
      for (const [orderId, order] of orders) {
        if (!rows.has(orderId)) report('RESULT_MISSING', orderId, `order of ${order.userId} (${order.side} ${order.quantity} ${order.playerId}, placed ${order.placedAt}) has no result`);
      }
      return { cash, holdings, orders: rows, ledger, discrepancies, redeliveredResults, voidedFills };
    },
  };
}

type Report = (kind: DiscrepancyKind, subject: string, detail: string, context?: Record<string, unknown>) => void;

/** A fill must name a tick on price.ticks, at that tick's price, outside a trade lock where that applies, at quantity × price, within its limit. */
function checkFill(r: OrderResult, order: Order | undefined, ticks: TickLookup, fairness: FairnessSettings, report: Report): void {
  const tick = ticks.get(tickKey(r.playerId, r.tickSeq ?? -1));
  const ctx = { orderId: r.orderId, userId: r.userId, playerId: r.playerId, tickSeq: r.tickSeq, fillPriceCents: r.fillPriceCents, settledAt: r.settledAt };
  if (!tick) report('FILL_TICK_MISSING', r.orderId, `fill names tick ${r.playerId}#${r.tickSeq}, which is not on price.ticks`, ctx);
  else {
    if (tick.priceCents !== r.fillPriceCents) report('FILL_PRICE_NOT_TICK_PRICE', r.orderId, `filled at ${r.fillPriceCents}, tick ${r.playerId}#${r.tickSeq} says ${tick.priceCents}`, ctx);
    const locks = policyForMatch(fairness, tick.matchId ?? null).policy === 'trade-lock';
    if (locks && tick.lockedUntil !== null && r.settledAt < tick.lockedUntil) report('FILL_DURING_LOCK', r.orderId, `settled at ${r.settledAt} while ${r.playerId} was locked until ${tick.lockedUntil}`, ctx);
  }
  if (r.costCents !== r.quantity * (r.fillPriceCents ?? NaN)) report('FILL_COST_WRONG', r.orderId, `cost ${r.costCents} is not ${r.quantity} × ${r.fillPriceCents}`, ctx);
  const limit = order?.limitPriceCents ?? null;
  if (limit !== null && r.fillPriceCents !== null && (r.side === 'BUY' ? r.fillPriceCents > limit : r.fillPriceCents < limit)) {
    report('FILL_BEYOND_LIMIT', r.orderId, `${r.side} filled at ${r.fillPriceCents} beyond the limit ${limit}`, ctx);
  }
}
