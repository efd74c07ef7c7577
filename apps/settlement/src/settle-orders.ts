// One batch of orders inside one Postgres transaction: load the users' state,
// let the domain decider settle the orders in log order, then persist with
// set-based statements (one per table): cash and holdings behind the
// strategy's guards, order rows (unique user + idempotency key), ledger
// entries (hash-chained per user) and outbox rows for order.results and trades.
import { inTransaction, insertChainedEntries, insertOrderRows, readChainHeads, sha256Hex, type Pool, type PoolClient } from '@inplay/db';
import type { OrderResult, Trade } from '@inplay/contracts';
import {
  chainPostings, guardsOf, orderKey, provisionalOf, resultOf, tradeOf, unbalancedTransactions,
  type AccountState, type FairnessPolicyConfig, type OrderToSettle, type PriceHistoryLookup, type PriceInForceLookup, type SettlementDecider, type SettlementEvent,
} from '@inplay/domain';
import { SettlementDivergence, type SettlementStrategy } from './strategies';

/** Retries of a batch whose guards failed (or deadlocked) before the process gives up loudly. */
export const MAX_BATCH_ATTEMPTS = 50;
/** Upper bound of the jittered pause before a retry, per attempt already made (spreads contenders apart). */
export const RETRY_JITTER_MS_PER_ATTEMPT = 2;
/** Orders settled per transaction at most (`inplay bench settlement` measures Postgres alone settling batches of this size: its ceiling). */
export const MAX_ORDERS_PER_TRANSACTION = 500;

const RETRYABLE_PG_CODES = new Set(['40001', '40P01', '23505', '23514']);
/** Advisory-lock class of "a player's fills may be voided": orders take it shared, the void worker exclusive. */
export const VOID_LOCK_CLASS = 4_242;

export interface SettleContext {
  decider: SettlementDecider;
  strategy: SettlementStrategy;
  prices: PriceInForceLookup;
  history?: PriceHistoryLookup;
  /** The fairness policy of a player's market (the same one the decider applies). */
  policyOf: (playerId: string) => FairnessPolicyConfig;
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

/**
 * Settles `orders` in one transaction. From the order intake, orders the policy
 * executes later are written to pending_orders; with `executingPending` (the
 * pending executor) they are due and are priced, and their pending rows go.
 */
export async function settleOrders(client: PoolClient, orders: readonly OrderToSettle[], ctx: SettleContext, options: { executingPending?: boolean } = {}): Promise<SettledBatch> {
  if (orders.length === 0) return { events: [], results: [], trades: [] };
  const nowMs = ctx.now();
  const userIds = [...new Set(orders.map((o) => o.userId))];
  const voidable = voidablePlayers(orders, ctx);
  // Before any price is read: a void of these players' fills either committed already
  // (so the price table has the event's tick) or waits for this transaction.
  // One statement for all of them, in player order (the order every taker uses).
  if (voidable.players.length > 0) {
    await client.query('SELECT pg_advisory_xact_lock_shared($1, hashtext(p)) FROM unnest($2::text[]) AS p', [VOID_LOCK_CLASS, voidable.players]);
  }
  const [accounts, holdings, executed, provisional] = [
    await ctx.strategy.loadAccounts(client, userIds),
    await ctx.strategy.loadHoldings(client, userIds),
    await executedKeys(client, orders, !options.executingPending),
    await provisionalFills(client, userIds, voidable, nowMs),
  ];
  const state = {
    accounts: new Map<string, AccountState>([...accounts].map(([id, a]) => [id, {
      cashCents: a.cashCents,
      holdings: new Map(holdings.filter((h) => h.userId === id).map((h) => [h.playerId, h.quantity])),
      ...(provisional.has(id) ? { provisional: provisional.get(id)! } : {}),
    }])),
    executedKeys: executed,
  };
  const events = ctx.decider.decide({
    type: 'SettleBatch', orders, prices: ctx.prices, nowMs, executingPending: options.executingPending ?? false,
    ...(ctx.history ? { history: ctx.history } : {}),
  }, state);
  await insertPending(client, events);
  if (options.executingPending) await client.query('DELETE FROM pending_orders WHERE order_id = ANY($1::text[])', [orders.map((o) => o.orderId)]);
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

async function executedKeys(client: PoolClient, orders: readonly OrderToSettle[], includePending: boolean): Promise<Set<string>> {
  const keys = [orders.map((o) => o.userId), orders.map((o) => o.idempotencyKey)];
  const { rows } = await client.query<{ user_id: string; idempotency_key: string }>(
    `SELECT o.user_id, o.idempotency_key FROM orders o
       JOIN unnest($1::text[], $2::text[]) AS k(user_id, idempotency_key) USING (user_id, idempotency_key)
     ${includePending ? `UNION ALL
     SELECT p.user_id, p.idempotency_key FROM pending_orders p
       JOIN unnest($1::text[], $2::text[]) AS k(user_id, idempotency_key) USING (user_id, idempotency_key)` : ''}`,
    keys);
  return new Set(rows.map((r) => orderKey(r.user_id, r.idempotency_key)));
}

/** The batch's players under event-time void, sorted (locks are always taken in this order), and the longest horizon. */
function voidablePlayers(orders: readonly OrderToSettle[], ctx: SettleContext): { players: string[]; horizonMs: Map<string, number> } {
  const horizonMs = new Map<string, number>();
  for (const { playerId } of orders) {
    const policy = ctx.policyOf(playerId);
    if (policy.policy === 'event-time-void') horizonMs.set(playerId, policy.voidHorizonMs);
  }
  return { players: [...horizonMs.keys()].sort(), horizonMs };
}

/**
 * Fills of these users that an event-time void could still reverse: their
 * bought shares cannot be sold and their sale proceeds cannot be spent yet
 * (the domain's provisional rule decides which).
 */
async function provisionalFills(client: PoolClient, userIds: string[], voidable: ReturnType<typeof voidablePlayers>, nowMs: number): Promise<Map<string, NonNullable<AccountState['provisional']>>> {
  if (voidable.players.length === 0) return new Map();
  const longest = Math.max(...voidable.horizonMs.values());
  const { rows } = await client.query<{ user_id: string; player_id: string; side: 'BUY' | 'SELL'; quantity: number; cost_cents: string; placed_ms: string }>(
    `SELECT o.user_id, o.player_id, o.side, o.quantity, o.cost_cents, (extract(epoch FROM o.placed_at) * 1000)::bigint AS placed_ms
       FROM orders o
      WHERE o.user_id = ANY($1::text[]) AND o.status = 'FILLED' AND o.placed_at >= to_timestamp($2 / 1000.0)`,
    [userIds, nowMs - longest]);
  const fills = rows.map((r) => ({ userId: r.user_id, playerId: r.player_id, side: r.side, quantity: r.quantity, valueCents: Number(r.cost_cents), placedAt: Number(r.placed_ms) }));
  return provisionalOf(fills, nowMs, (playerId) => voidable.horizonMs.get(playerId));
}

async function insertPending(client: PoolClient, events: SettlementEvent[]): Promise<void> {
  const deferred = events.flatMap((e) => (e.type === 'OrderDeferred' ? [e] : []));
  if (deferred.length === 0) return;
  const col = <T>(f: (e: (typeof deferred)[number]) => T) => deferred.map(f);
  const { rowCount } = await client.query(
    `INSERT INTO pending_orders (order_id, user_id, idempotency_key, player_id, placed_at, execute_at, payload)
     SELECT o, u, k, p, to_timestamp(pa / 1000.0), to_timestamp(ea / 1000.0), j::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[]) AS x(o, u, k, p, pa, ea, j)
     ON CONFLICT DO NOTHING`,
    [col((e) => e.order.orderId), col((e) => e.order.userId), col((e) => e.order.idempotencyKey), col((e) => e.order.playerId),
      col((e) => e.order.placedAt), col((e) => e.executeAt), col((e) => JSON.stringify(e.order))]);
  if (rowCount !== deferred.length) throw new SettlementDivergence(`${deferred.length - (rowCount ?? 0)} pending order rows already existed`);
}

async function insertOrders(client: PoolClient, events: SettlementEvent[], results: OrderResult[]): Promise<void> {
  if (results.length === 0) return;
  const limits = new Map(events.map((e) => [e.order.orderId, e.order.limitPriceCents]));
  const inserted = await insertOrderRows(client, results.map((r) => ({
    orderId: r.orderId, userId: r.userId, idempotencyKey: r.idempotencyKey, playerId: r.playerId, side: r.side, quantity: r.quantity,
    limitPriceCents: limits.get(r.orderId) ?? null, placedAt: r.placedAt, status: r.status, reason: r.reason, fillPriceCents: r.fillPriceCents,
    tickSeq: r.tickSeq, costCents: r.costCents, retryAfterMs: r.retryAfterMs, cashAfterCents: r.cashAfterCents, settledAt: r.settledAt,
  })));
  // Another writer settled one of these keys since we looked: our decision is stale.
  if (inserted !== results.length) throw new SettlementDivergence(`${results.length - inserted} order rows already existed`);
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
    try {
      return await inTransaction(pool, work);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const retryable = err instanceof SettlementDivergence || (code !== undefined && RETRYABLE_PG_CODES.has(code));
      if (!retryable || attempt >= MAX_BATCH_ATTEMPTS) throw err;
      onRetry(err as Error, attempt);
      await new Promise((r) => setTimeout(r, Math.random() * RETRY_JITTER_MS_PER_ATTEMPT * attempt));
    }
  }
}
