// Event-time void, the effectful half: when an EVENT tick arrives for a player
// under event-time void, reverse the still-provisional fills placed after the
// event happened and priced before its tick (libs/domain decides which and
// how). One Postgres transaction per tick: an exclusive advisory lock on the
// player (order batches hold it shared while they price that player), the
// users' account rows locked in user-id order, compensating ledger entries on
// their hash chains, an order_voids row and a VOIDED order result per fill.
import type { OrderResult, PriceTick } from '@inplay/contracts';
import { insertChainedEntries, readChainHeads, sha256Hex, type Pool } from '@inplay/db';
import { chainPostings, fillsVoidedBy, voidFill, type AccountState, type FairnessPolicyConfig, type LateEventTick, type VoidableFill } from '@inplay/domain';
import type { Logger } from '@inplay/telemetry';
import { inTransactionWithRetry, VOID_LOCK_CLASS } from './settle-orders';

export const VOIDED_LATE_EVENT = 'VOIDED_LATE_EVENT';

export interface LateEventVoidsOptions {
  pool: Pool;
  policyOf: (playerId: string) => FairnessPolicyConfig;
  now: () => number;
  resultsTopic: string;
  logger: Logger;
  onVoided?: (results: OrderResult[]) => void;
  onError: (err: Error) => void;
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
  return {
    offer(tick) {
      if (stopped || tick.cause !== 'EVENT' || tick.causeOccurredAt === null) return;
      const policy = options.policyOf(tick.playerId);
      if (policy.policy !== 'event-time-void') return;
      // A tick older than the horizon cannot void anything still provisional (a replay at start-up).
      if (tick.tickedAt < options.now() - policy.voidHorizonMs) return;
      const late: LateEventTick = { playerId: tick.playerId, seq: tick.seq, eventId: tick.causeEventId, occurredAt: tick.causeOccurredAt };
      chain = chain.then(() => voidFor(late, policy.voidHorizonMs, options)).catch((err: Error) => { stopped = true; options.onError(err); });
    },
    idle: () => chain,
    async stop() {
      stopped = true;
      await chain;
    },
  };
}

async function voidFor(tick: LateEventTick, voidHorizonMs: number, options: LateEventVoidsOptions): Promise<void> {
  const results = await inTransactionWithRetry(options.pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [VOID_LOCK_CLASS, tick.playerId]);
    const nowMs = options.now();
    const { rows } = await client.query<{ order_id: string; user_id: string; side: 'BUY' | 'SELL'; quantity: number; cost_cents: string; placed_ms: string; tick_seq: string; fill_price_cents: string; idempotency_key: string }>(
      `SELECT o.order_id, o.user_id, o.side, o.quantity, o.cost_cents, (extract(epoch FROM o.placed_at) * 1000)::bigint AS placed_ms, o.tick_seq,
              o.fill_price_cents, o.idempotency_key
         FROM orders o
        WHERE o.player_id = $1 AND o.status = 'FILLED' AND o.placed_at > to_timestamp($2 / 1000.0) AND o.tick_seq < $3
          AND o.placed_at >= to_timestamp($4 / 1000.0)
          AND NOT EXISTS (SELECT 1 FROM order_voids v WHERE v.order_id = o.order_id)
        ORDER BY o.settled_at, o.order_id`,
      [tick.playerId, tick.occurredAt, tick.seq, nowMs - voidHorizonMs]);
    const candidates: VoidableFill[] = rows.map((r) => ({
      orderId: r.order_id, userId: r.user_id, playerId: tick.playerId, side: r.side, quantity: r.quantity,
      valueCents: Number(r.cost_cents), placedAt: Number(r.placed_ms), tickSeq: Number(r.tick_seq),
    }));
    const fills = fillsVoidedBy(tick, candidates, nowMs, voidHorizonMs);
    if (fills.length === 0) return [];
    const userIds = [...new Set(fills.map((f) => f.userId))].sort();
    const accounts = await client.query<{ user_id: string; cash_cents: string }>(
      'SELECT user_id, cash_cents FROM accounts WHERE user_id = ANY($1::text[]) ORDER BY user_id FOR UPDATE', [userIds]);
    const holdings = await client.query<{ user_id: string; quantity: string }>(
      'SELECT user_id, quantity FROM holdings WHERE user_id = ANY($1::text[]) AND player_id = $2 ORDER BY user_id FOR UPDATE', [userIds, tick.playerId]);
    const state = new Map<string, AccountState>(accounts.rows.map((a) => [a.user_id, {
      cashCents: Number(a.cash_cents),
      holdings: new Map([[tick.playerId, Number(holdings.rows.find((h) => h.user_id === a.user_id)?.quantity ?? 0)]]),
    }]));
    const effects = fills.map((fill) => {
      const account = state.get(fill.userId);
      if (!account) throw new Error(`void of ${fill.orderId}: account ${fill.userId} is missing`);
      const effect = voidFill(account, fill);
      state.set(fill.userId, effect.account);
      return effect;
    });
    await client.query(
      `UPDATE accounts a SET cash_cents = x.cash, version = a.version + 1 FROM unnest($1::text[], $2::bigint[]) AS x(u, cash) WHERE a.user_id = x.u`,
      [userIds, userIds.map((u) => state.get(u)!.cashCents)]);
    await client.query(
      `INSERT INTO holdings (user_id, player_id, quantity) SELECT u, $3, q FROM unnest($1::text[], $2::bigint[]) AS x(u, q)
       ON CONFLICT (user_id, player_id) DO UPDATE SET quantity = EXCLUDED.quantity`,
      [userIds, userIds.map((u) => state.get(u)!.holdings.get(tick.playerId) ?? 0), tick.playerId]);
    const heads = await readChainHeads(client, userIds);
    await insertChainedEntries(client, chainPostings(heads, effects.flatMap((e) => e.postings.map((posting) => ({ userId: e.fill.userId, posting }))), sha256Hex).entries);
    const byOrder = new Map(rows.map((r) => [r.order_id, r]));
    const voidResults: OrderResult[] = effects.map((e) => ({
      orderId: e.fill.orderId, userId: e.fill.userId, idempotencyKey: byOrder.get(e.fill.orderId)!.idempotency_key, playerId: tick.playerId,
      side: e.fill.side, quantity: e.fill.quantity, status: 'VOIDED', reason: VOIDED_LATE_EVENT,
      fillPriceCents: Number(byOrder.get(e.fill.orderId)!.fill_price_cents), tickSeq: e.fill.tickSeq, costCents: e.fill.valueCents,
      retryAfterMs: null, cashAfterCents: e.cashAfterCents, placedAt: e.fill.placedAt, settledAt: nowMs,
    }));
    await client.query(
      `INSERT INTO order_voids (order_id, user_id, player_id, reason, event_id, event_tick_seq, event_occurred_at, cash_after_cents, voided_at)
       SELECT o, u, $3, $4, $5, $6, to_timestamp($7 / 1000.0), c, to_timestamp($8 / 1000.0) FROM unnest($1::text[], $2::text[], $9::bigint[]) AS x(o, u, c)`,
      [voidResults.map((r) => r.orderId), voidResults.map((r) => r.userId), tick.playerId, VOIDED_LATE_EVENT, tick.eventId, tick.seq, tick.occurredAt, nowMs,
        voidResults.map((r) => r.cashAfterCents)]);
    await client.query(
      `INSERT INTO outbox (topic, record_key, payload) SELECT $1, k, p::jsonb FROM unnest($2::text[], $3::text[]) AS x(k, p)`,
      [options.resultsTopic, voidResults.map((r) => r.userId), voidResults.map((r) => JSON.stringify(r))]);
    return voidResults;
  });
  if (results.length > 0) {
    options.logger.info({ playerId: tick.playerId, eventId: tick.eventId, voided: results.length }, 'voided fills placed after the event happened');
    options.onVoided?.(results);
  }
}
