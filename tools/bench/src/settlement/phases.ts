// The benchmark's correctness side: after every phase, DESIGN.md's ledger
// invariants plus what only the bench knows (which orders the intake accepted
// and which results arrived); and a contention phase that settles one
// account's orders from many transactions at once, as two settlement
// instances would during a rebalance, where only the guards stand between a
// user and an overspend.
import type { Pool } from '@inplay/db';
import { NO_FAIRNESS, settlementDecider, type OrderToSettle } from '@inplay/domain';
import { topicName } from '@inplay/kafka';
import type { MarketPlayer } from './harness';
import type { ResultObserver } from './load';
import { BENCH_MAX_PRICE_AGE_MS } from './harness';
import { checkLedgerInvariants, createUser, inTransactionWithRetry, settleOrders, settlementStrategy, type LedgerAudit, type StrategyName } from '@inplay/settlement';

export interface PhaseViolations {
  ledger: LedgerAudit;
  /** Users whose cash is not their starting cash - bought + sold, from the orders table. */
  cashVsFills: number;
  /** Orders answered 202 with no row in orders (never settled). */
  acceptedWithoutOrderRow: number;
  /** Orders answered 202 whose result never reached order.results. */
  acceptedWithoutResult: number;
  /** Orders with two different results on order.results. */
  conflictingResults: number;
  /** Extra deliveries of a result (at least once; readers dedupe): reported, not a violation. */
  duplicateDeliveries: number;
  violations: number;
}

/** Checks the database and the observed results after a phase whose accepted orders are `accepted`. */
export async function auditPhase(pool: Pool, accepted: readonly string[], observer: ResultObserver): Promise<PhaseViolations> {
  const ledger = await checkLedgerInvariants(pool);
  const cashVsFills = Number((await pool.query<{ n: string }>(`
    SELECT count(*) AS n FROM accounts a
      JOIN (SELECT substr(account, 6) AS user_id, amount_cents AS start FROM ledger_entries WHERE transaction_id = 'issue:' || substr(account, 6)) s USING (user_id)
      LEFT JOIN (SELECT user_id, sum(CASE side WHEN 'BUY' THEN -cost_cents ELSE cost_cents END) AS net FROM orders WHERE status = 'FILLED' GROUP BY 1) f USING (user_id)
     WHERE a.cash_cents <> s.start + coalesce(f.net, 0)`)).rows[0]?.n ?? 0);
  const acceptedWithoutOrderRow = Number((await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM unnest($1::text[]) AS a(order_id) LEFT JOIN orders o USING (order_id) WHERE o.order_id IS NULL', [accepted])).rows[0]?.n ?? 0);
  let acceptedWithoutResult = 0;
  let conflictingResults = 0;
  let duplicateDeliveries = 0;
  for (const orderId of accepted) {
    const result = observer.get(orderId);
    if (!result) { acceptedWithoutResult++; continue; }
    if (result.conflicting) conflictingResults++;
    duplicateDeliveries += result.copies - 1;
  }
  return {
    ledger, cashVsFills, acceptedWithoutOrderRow, acceptedWithoutResult, conflictingResults, duplicateDeliveries,
    violations: ledger.violations + cashVsFills + acceptedWithoutOrderRow + acceptedWithoutResult + conflictingResults,
  };
}

export interface ContentionPhase {
  users: number;
  orders: number;
  workers: number;
  ordersPerTransaction: number;
  ordersPerSec: number;
  /** Transactions rolled back and run again (guards that failed, deadlocks...). */
  retries: number;
  /** Cents filled beyond what the users had (0 for a correct strategy). */
  overspentCents: number;
  /** Transactions that gave up (the strategy's retries ran out): reported, the orders stay unsettled. */
  failedTransactions: number;
  /** Orders not attempted because the phase ran past CONTENTION_DEADLINE_MS (a deadlock storm, say). */
  notAttempted: number;
}

/** The contention phase stops starting transactions after this, so one thrashing strategy cannot stall the run. */
export const CONTENTION_DEADLINE_MS = 20_000;

const CONTENTION = { users: 4, ordersPerUser: 500, workers: 16, ordersPerTransaction: 5 } as const;

/**
 * Each user's one-share buys, affordable for half of them, settled by many
 * concurrent transactions that bypass the partition (which normally
 * serializes a user's orders): the acceptance-4 load, timed.
 */
export async function contendedSettlement(pool: Pool, strategy: StrategyName, player: MarketPlayer, prefix: string): Promise<ContentionPhase> {
  const cashCents = (CONTENTION.ordersPerUser / 2) * player.priceCents;
  const orders: OrderToSettle[] = [];
  for (let u = 0; u < CONTENTION.users; u++) {
    const userId = `contend-${u}`;
    await createUser(pool, { userId, displayName: userId, cashCents });
    for (let i = 0; i < CONTENTION.ordersPerUser; i++) {
      orders.push({ orderId: `contend-${u}-${i}`, userId, idempotencyKey: `contend-${i}`, playerId: player.playerId, side: 'BUY', quantity: 1, limitPriceCents: null, placedAt: Date.now() });
    }
  }
  // Interleave users so concurrent transactions meet on the same accounts.
  orders.sort((a, b) => Number(a.idempotencyKey.slice(8)) - Number(b.idempotencyKey.slice(8)));
  const ctx = {
    decider: settlementDecider({ maxPriceAgeMs: BENCH_MAX_PRICE_AGE_MS, fairness: NO_FAIRNESS }),
    policyOf: () => NO_FAIRNESS,
    strategy: settlementStrategy(strategy),
    prices: (playerId: string) => ({ playerId, priceCents: player.priceCents, seq: player.tickSeq, tickedAt: Date.now(), lockedUntil: null }),
    now: Date.now,
    resultsTopic: topicName(prefix, 'order.results'),
    tradesTopic: topicName(prefix, 'trades'),
  };
  const chunks: OrderToSettle[][] = [];
  for (let i = 0; i < orders.length; i += CONTENTION.ordersPerTransaction) chunks.push(orders.slice(i, i + CONTENTION.ordersPerTransaction));
  let retries = 0;
  let failedTransactions = 0;
  const startedAt = performance.now();
  const deadline = startedAt + CONTENTION_DEADLINE_MS;
  await Promise.all(Array.from({ length: CONTENTION.workers }, async () => {
    while (performance.now() < deadline) {
      const batch = chunks.shift();
      if (!batch) return;
      await inTransactionWithRetry(pool, (client) => settleOrders(client, batch, ctx), () => { retries++; }).catch(() => { failedTransactions++; });
    }
  }));
  const elapsedMs = performance.now() - startedAt;
  const notAttempted = chunks.reduce((n, c) => n + c.length, 0);
  const { rows } = await pool.query<{ spent: string }>(`SELECT coalesce(sum(cost_cents), 0) AS spent FROM orders WHERE user_id LIKE 'contend-%' AND status = 'FILLED'`);
  return {
    users: CONTENTION.users, orders: orders.length, workers: CONTENTION.workers, ordersPerTransaction: CONTENTION.ordersPerTransaction,
    ordersPerSec: Math.round(((orders.length - notAttempted) * 1_000) / elapsedMs), retries, failedTransactions, notAttempted,
    overspentCents: Math.max(0, Number(rows[0]?.spent ?? 0) - CONTENTION.users * cashCents),
  };
}
