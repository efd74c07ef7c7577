// One batch of orders inside one Postgres transaction: load the users' state,
// let the domain decider settle the orders in log order, then persist with
// set-based statements (one per table): cash and holdings behind the
// strategy's guards, order rows (unique user + idempotency key), ledger
// entries (hash-chained per user) and outbox rows for order.results and trades.
import { insertChainedEntries, readChainHeads, sha256Hex, type Pool, type PoolClient } from '@inplay/db';
import type { OrderResult, Trade } from '@inplay/contracts';
import {
  chainPostings, guardsOf, orderKey, resultOf, tradeOf, unbalancedTransactions,
  type AccountState, type OrderToSettle, type PriceInForceLookup, type SettlementDecider, type SettlementEvent,
} from '@inplay/domain';
import { SettlementDivergence, type SettlementStrategy } from './strategies';

/** Retries of a batch whose guards failed (or deadlocked) before the process gives up loudly. */
export const MAX_BATCH_ATTEMPTS = 50;
/** Upper bound of the jittered pause before a retry, per attempt already made (spreads contenders apart). */
export const RETRY_JITTER_MS_PER_ATTEMPT = 2;
/** Orders settled per transaction; Postgres does ~26k orders/s at 500 here. */
export const MAX_ORDERS_PER_TRANSACTION = 500;

const RETRYABLE_PG_CODES = new Set(['40001', '40P01', '23505', '23514']);

export interface SettleContext {
  decider: SettlementDecider;
  strategy: SettlementStrategy;
  prices: PriceInForceLookup;
  now: () => number;
  /** Topic names (with any test prefix) the outbox rows are for. */
  resultsTopic: string;
  tradesTopic: string;
}

export interface SettledBatch {
  events: SettlementEvent[];
  results: OrderResult[];
  trades: Trade[];
}

export async function settleOrders(client: PoolClient, orders: readonly OrderToSettle[], ctx: SettleContext): Promise<SettledBatch> {
  if (orders.length === 0) return { events: [], results: [], trades: [] };
  const userIds = [...new Set(orders.map((o) => o.userId))];
  const [accounts, holdings, executed] = [
    await ctx.strategy.loadAccounts(client, userIds),
    await ctx.strategy.loadHoldings(client, userIds),
    await executedKeys(client, orders),
  ];
  const state = {
    accounts: new Map<string, AccountState>([...accounts].map(([id, a]) => [id, {
      cashCents: a.cashCents,
      holdings: new Map(holdings.filter((h) => h.userId === id).map((h) => [h.playerId, h.quantity])),
    }])),
    executedKeys: executed,
  };
  const events = ctx.decider.decide({ type: 'SettleBatch', orders, prices: ctx.prices, nowMs: ctx.now() }, state);
  const guards = guardsOf(events);
  await ctx.strategy.applyCash(client, guards.cash, accounts);
  await ctx.strategy.applyHoldings(client, guards.holdings, holdings);
  const results = events.map(resultOf).filter((r): r is OrderResult => r !== null);
  const trades = events.map(tradeOf).filter((t): t is Trade => t !== null);
  await insertOrders(client, events, results);
  await insertLedger(client, events);
  await insertOutbox(client, ctx, results, trades);
  return { events, results, trades };
}

async function executedKeys(client: PoolClient, orders: readonly OrderToSettle[]): Promise<Set<string>> {
  const { rows } = await client.query<{ user_id: string; idempotency_key: string }>(
    `SELECT o.user_id, o.idempotency_key FROM orders o
       JOIN unnest($1::text[], $2::text[]) AS k(user_id, idempotency_key) USING (user_id, idempotency_key)`,
    [orders.map((o) => o.userId), orders.map((o) => o.idempotencyKey)]);
  return new Set(rows.map((r) => orderKey(r.user_id, r.idempotency_key)));
}

async function insertOrders(client: PoolClient, events: SettlementEvent[], results: OrderResult[]): Promise<void> {
  if (results.length === 0) return;
  const limits = new Map(events.map((e) => [e.order.orderId, e.order.limitPriceCents]));
  const col = <T>(f: (r: OrderResult) => T) => results.map(f);
  const { rowCount } = await client.query(
    `INSERT INTO orders (order_id, user_id, idempotency_key, player_id, side, quantity, limit_price_cents, placed_at, status, reason,
                         fill_price_cents, tick_seq, cost_cents, retry_after_ms, cash_after_cents, settled_at)
     SELECT o, u, k, p, s, q, l, to_timestamp(pa / 1000.0), st, r, f, t, c, ra, ca, to_timestamp(sa / 1000.0)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::bigint[], $9::text[], $10::text[],
                   $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[])
         AS x(o, u, k, p, s, q, l, pa, st, r, f, t, c, ra, ca, sa)
     ON CONFLICT DO NOTHING`,
    [col((r) => r.orderId), col((r) => r.userId), col((r) => r.idempotencyKey), col((r) => r.playerId), col((r) => r.side), col((r) => r.quantity),
      col((r) => limits.get(r.orderId) ?? null), col((r) => r.placedAt), col((r) => r.status), col((r) => r.reason), col((r) => r.fillPriceCents),
      col((r) => r.tickSeq), col((r) => r.costCents), col((r) => r.retryAfterMs), col((r) => r.cashAfterCents), col((r) => r.settledAt)]);
  // Another writer settled one of these keys since we looked: our decision is stale.
  if (rowCount !== results.length) throw new SettlementDivergence(`${results.length - (rowCount ?? 0)} order rows already existed`);
}

/**
 * Appends the fills' postings to their users' hash chains, in decision order.
 * Runs after applyCash, so every filled user's account row is locked by this
 * transaction: the chain heads read here cannot move before COMMIT (and a fork
 * would still fail the unique (user_id, chain_seq) index and be retried).
 */
async function insertLedger(client: PoolClient, events: SettlementEvent[]): Promise<void> {
  const postings = events.flatMap((e) => (e.type === 'OrderFilled' ? e.postings.map((posting) => ({ userId: e.order.userId, posting })) : []));
  if (postings.length === 0) return;
  const off = unbalancedTransactions(postings.map((p) => p.posting));
  if (off.size > 0) throw new Error(`invariant violated: unbalanced ledger transactions ${[...off.keys()].join(', ')}`);
  const heads = await readChainHeads(client, [...new Set(postings.map((p) => p.userId))]);
  await insertChainedEntries(client, chainPostings(heads, postings, sha256Hex).entries);
}

async function insertOutbox(client: PoolClient, ctx: SettleContext, results: OrderResult[], trades: Trade[]): Promise<void> {
  const rows = [
    ...results.map((r) => ({ topic: ctx.resultsTopic, key: r.userId, payload: JSON.stringify(r) })),
    ...trades.map((t) => ({ topic: ctx.tradesTopic, key: t.playerId, payload: JSON.stringify(t) })),
  ];
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO outbox (topic, record_key, payload) SELECT t, k, p::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS x(t, k, p)`,
    [rows.map((r) => r.topic), rows.map((r) => r.key), rows.map((r) => r.payload)]);
}

/**
 * Runs `work` in one transaction; a divergence, deadlock, serialization or
 * constraint failure rolls back and runs it again (state is reloaded each time).
 */
export async function inTransactionWithRetry<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, onRetry: (err: Error, attempt: number) => void = () => undefined): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const value = await work(client);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (err as { code?: string }).code;
      const retryable = err instanceof SettlementDivergence || (code !== undefined && RETRYABLE_PG_CODES.has(code));
      if (!retryable || attempt >= MAX_BATCH_ATTEMPTS) throw err;
      onRetry(err as Error, attempt);
      await new Promise((r) => setTimeout(r, Math.random() * RETRY_JITTER_MS_PER_ATTEMPT * attempt));
    } finally {
      client.release();
    }
  }
}
