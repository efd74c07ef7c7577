// Event-time void, the effectful half: when an EVENT tick arrives for a player
// under event-time void, the settlement decider (VoidLateFills) reverses the
// still-provisional fills placed after the event happened and priced before
// its tick. One Postgres transaction per tick: an exclusive advisory lock on
// the player (order batches hold it shared while they price that player), the
// users' account rows locked in user-id order, compensating ledger entries on
// their hash chains, an order_voids row, the order row's latest result
// (VOIDED, VOIDED_LATE_EVENT) and a result to publish per fill. A Postgres
// restart is ridden out (ride-out.ts): the tick's void is retried, never skipped.
import type { OrderResult, PriceTick } from '@inplay/contracts';
import { insertChainedEntries, readChainHeads, recordVoidedOrders, sha256Hex, type Pool, type PoolClient } from '@inplay/db';
import {
  chainPostings, resultOf,
  type AccountState, type FairnessPolicyConfig, type FilledOrder, type LateEventTick, type SettlementDecider, type SettlementEvent, type SettlementState,
} from '@inplay/domain';
import type { Logger } from '@inplay/telemetry';
import { rideOut, type RideOutLimits, type RideOutOptions } from './ride-out';
import { inTransactionWithRetry, VOID_LOCK_CLASS } from './settle-orders';
import { SettlementDivergence } from './strategies';

export interface LateEventVoidsOptions {
  pool: Pool;
  /** The settlement decider: it decides which fills to void and what that does to each account. */
  decider: SettlementDecider;
  policyOf: (playerId: string) => FairnessPolicyConfig;
  now: () => number;
  resultsTopic: string;
  logger: Logger;
  onVoided?: (results: OrderResult[]) => void;
  /** Called with what could not be ridden out (settlement: onFatal). */
  onError: (err: Error) => void;
  /** Called before each retry of a void that met a dependency away (metrics). */
  onRetry?: RideOutOptions['onRetry'];
  rideOutLimits?: RideOutLimits;
}

export interface LateEventVoids {
  /** Offer a tick (every applied tick; only EVENT ticks under event-time void are kept). */
  offer(tick: PriceTick): void;
  /** Resolves when every tick offered so far has been handled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startLateEventVoids(options: LateEventVoidsOptions): LateEventVoids {
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  const stopping = new AbortController();
  const ride: RideOutOptions = {
    worker: 'late-event-voids', logger: options.logger, signal: stopping.signal,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}), ...(options.rideOutLimits ? { limits: options.rideOutLimits } : {}),
  };
  return {
    offer(tick) {
      if (stopped || tick.cause !== 'EVENT' || tick.causeOccurredAt === null) return;
      const policy = options.policyOf(tick.playerId);
      if (policy.policy !== 'event-time-void') return;
      // A tick older than the horizon cannot void anything still provisional (a replay at start-up).
      if (tick.tickedAt < options.now() - policy.voidHorizonMs) return;
      const late: LateEventTick = { playerId: tick.playerId, seq: tick.seq, eventId: tick.causeEventId, occurredAt: tick.causeOccurredAt };
      chain = chain.then(() => rideOut(() => voidFor(late, policy.voidHorizonMs, options), ride)).catch((err: Error) => {
        if (stopped) return; // a void cut short by stop() comes back with the tick's replay at the next start (within the horizon)
        stopped = true;
        options.onError(err);
      });
    },
    idle: () => chain,
    async stop() {
      stopped = true;
      stopping.abort();
      await chain;
    },
  };
}

async function voidFor(tick: LateEventTick, voidHorizonMs: number, options: LateEventVoidsOptions): Promise<void> {
  const results = await inTransactionWithRetry(options.pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [VOID_LOCK_CLASS, tick.playerId]);
    const nowMs = options.now();
    const fills = await recentFills(client, tick, nowMs - voidHorizonMs);
    const state = await accountsOf(client, [...new Set(fills.map((f) => f.userId))].sort(), tick.playerId);
    const events = options.decider.decide({ type: 'VoidLateFills', tick, fills, nowMs, voidHorizonMs }, state);
    if (events.length === 0) return [];
    await persistVoids(client, events, options.resultsTopic);
    return events.map(resultOf).filter((r): r is OrderResult => r !== null);
  });
  if (results.length > 0) {
    options.logger.info({ playerId: tick.playerId, eventId: tick.eventId, voided: results.length }, 'voided fills placed after the event happened');
    options.onVoided?.(results);
  }
}

/** The player's fills placed after the event happened, priced before its tick, inside the horizon (the decider picks which to void). */
async function recentFills(client: PoolClient, tick: LateEventTick, horizonStartMs: number): Promise<FilledOrder[]> {
  const { rows } = await client.query<{ order_id: string; user_id: string; side: 'BUY' | 'SELL'; quantity: number; cost_cents: string; placed_ms: string; tick_seq: string; fill_price_cents: string; idempotency_key: string }>(
    `SELECT o.order_id, o.user_id, o.side, o.quantity, o.cost_cents, (extract(epoch FROM o.placed_at) * 1000)::bigint AS placed_ms, o.tick_seq,
            o.fill_price_cents, o.idempotency_key
       FROM orders o
      WHERE o.player_id = $1 AND o.status = 'FILLED' AND o.placed_at > to_timestamp($2 / 1000.0) AND o.tick_seq < $3
        AND o.placed_at >= to_timestamp($4 / 1000.0)
      ORDER BY o.settled_at, o.order_id`,
    [tick.playerId, tick.occurredAt, tick.seq, horizonStartMs]);
  return rows.map((r) => ({
    orderId: r.order_id, userId: r.user_id, idempotencyKey: r.idempotency_key, playerId: tick.playerId, side: r.side, quantity: r.quantity,
    valueCents: Number(r.cost_cents), fillPriceCents: Number(r.fill_price_cents), placedAt: Number(r.placed_ms), tickSeq: Number(r.tick_seq),
  }));
}

/** The users' cash and holding of the player, their rows locked in user-id order (the order every writer locks them in). */
async function accountsOf(client: PoolClient, userIds: string[], playerId: string): Promise<SettlementState> {
  const accounts = await client.query<{ user_id: string; cash_cents: string }>(
    'SELECT user_id, cash_cents FROM accounts WHERE user_id = ANY($1::text[]) ORDER BY user_id FOR UPDATE', [userIds]);
  const holdings = await client.query<{ user_id: string; quantity: string }>(
    'SELECT user_id, quantity FROM holdings WHERE user_id = ANY($1::text[]) AND player_id = $2 ORDER BY user_id FOR UPDATE', [userIds, playerId]);
  return {
    accounts: new Map<string, AccountState>(accounts.rows.map((a) => [a.user_id, {
      cashCents: Number(a.cash_cents),
      holdings: new Map([[playerId, Number(holdings.rows.find((h) => h.user_id === a.user_id)?.quantity ?? 0)]]),
    }])),
    executedKeys: new Set(),
  };
}

/** Cash and holdings as the events leave them, the compensating ledger entries, the void records, the orders rows' latest result, the results to publish. */
async function persistVoids(client: PoolClient, events: SettlementEvent[], resultsTopic: string): Promise<void> {
  const voids = events.filter((e): e is Extract<SettlementEvent, { type: 'FillVoided' }> => e.type === 'FillVoided');
  const last = new Map(voids.map((e) => [e.order.userId, e]));
  const userIds = [...last.keys()].sort();
  const playerId = voids[0]!.order.playerId;
  await client.query(
    `UPDATE accounts a SET cash_cents = x.cash, version = a.version + 1 FROM unnest($1::text[], $2::bigint[]) AS x(u, cash) WHERE a.user_id = x.u`,
    [userIds, userIds.map((u) => last.get(u)!.cashAfterCents)]);
  await client.query(
    `INSERT INTO holdings (user_id, player_id, quantity) SELECT u, $3, q FROM unnest($1::text[], $2::bigint[]) AS x(u, q)
     ON CONFLICT (user_id, player_id) DO UPDATE SET quantity = EXCLUDED.quantity`,
    [userIds, userIds.map((u) => last.get(u)!.holdingAfter), playerId]);
  const heads = await readChainHeads(client, userIds);
  await insertChainedEntries(client, chainPostings(heads, voids.flatMap((e) => e.postings.map((posting) => ({ userId: e.order.userId, posting }))), sha256Hex).entries);
  await client.query(
    `INSERT INTO order_voids (order_id, user_id, player_id, reason, event_id, event_tick_seq, event_occurred_at, cash_after_cents, voided_at)
     SELECT o, u, $3, r, e, s, to_timestamp(oc / 1000.0), c, to_timestamp(v / 1000.0)
       FROM unnest($1::text[], $2::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[]) AS x(o, u, r, e, s, oc, c, v)`,
    [voids.map((e) => e.order.orderId), voids.map((e) => e.order.userId), playerId, voids.map((e) => e.reason), voids.map((e) => e.cause.eventId),
      voids.map((e) => e.cause.tickSeq), voids.map((e) => e.cause.occurredAt), voids.map((e) => e.cashAfterCents), voids.map((e) => e.settledAt)]);
  const results = voids.map(resultOf).filter((r): r is OrderResult => r !== null);
  const updated = await recordVoidedOrders(client, results);
  if (updated !== results.length) throw new SettlementDivergence(`${results.length - updated} voided fills were no longer FILLED`);
  await client.query(
    `INSERT INTO outbox (topic, record_key, payload) SELECT $1, k, p::jsonb FROM unnest($2::text[], $3::text[]) AS x(k, p)`,
    [resultsTopic, results.map((r) => r.userId), results.map((r) => JSON.stringify(r))]);
}
