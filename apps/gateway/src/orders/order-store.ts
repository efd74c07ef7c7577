// Postgres access of order intake: the idempotency record (order_keys, which
// makes concurrent retries of one key converge on one orderId), known players,
// and orders with their results (settlement's projection).
import type { OrderResult, Side } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import { keyClaimer, type ClaimedKey } from './key-claims';
import { encodeOrderCursor, type OrderCursor } from './order-list';
import type { OrderRequest } from './order-request';
import { orderReasonText } from './reason-words';

export type { ClaimedKey };

/** How long a known player id is trusted without asking Postgres again. */
export const PLAYER_CACHE_TTL_MS = 30_000;

export interface StoredOrder {
  orderId: string;
  userId: string;
  idempotencyKey: string;
  placedAt: number;
  result: OrderResult | null;
}

/** One line of GET /orders: the order as placed and where it stands. */
export interface OrderListItem {
  orderId: string;
  idempotencyKey: string;
  playerId: string;
  side: Side;
  quantity: number;
  limitPriceCents: number | null;
  placedAt: number;
  status: 'PENDING' | 'FILLED' | 'REJECTED' | 'VOIDED';
  /** The rejection's or the void's code (null while pending and for a fill). */
  reason: string | null;
  /** The status in words: why it was refused or voided, or that it waits (null for a fill). */
  reasonText: string | null;
  /** What it filled at; a voided fill keeps it. */
  fillPriceCents: number | null;
  costCents: number | null;
  settledAt: number | null;
  /** A fill reversed by event-time void. */
  voided: boolean;
}

export interface OrderPage { orders: OrderListItem[]; nextCursor: string | null }

export function createOrderStore(pool: Pool, now: () => number = Date.now) {
  const claim = keyClaimer(pool);
  const knownPlayers = new Map<string, { seenAt: number; matchId: string }>();
  return {
    async playerExists(playerId: string): Promise<boolean> {
      const known = knownPlayers.get(playerId);
      if (known !== undefined && now() - known.seenAt < PLAYER_CACHE_TTL_MS) return true;
      const { rows } = await pool.query<{ match_id: string }>('SELECT match_id FROM players WHERE player_id = $1', [playerId]);
      if (rows[0]) knownPlayers.set(playerId, { seenAt: now(), matchId: rows[0].match_id });
      return rows.length > 0;
    },

    /** The match of a player playerExists has seen (null if unknown). */
    matchOf(playerId: string): string | null {
      return knownPlayers.get(playerId)?.matchId ?? null;
    },

    /** Inserts the key (with the order it is for) as `candidate`, or returns the one already there (whichever concurrent request won); claims are batched. */
    claimKey(userId: string, key: string, request: OrderRequest, candidate: { orderId: string; placedAt: number }): Promise<ClaimedKey> {
      return claim({ userId, key, request, candidate });
    },

    async resultOf(orderId: string): Promise<OrderResult | null> {
      const { rows } = await pool.query<ResultRow>(`${RESULT_SELECT} WHERE o.order_id = $1`, [orderId]);
      return rows[0] ? toResult(rows[0]) : null;
    },

    /** The order if it belongs to `userId` (others' orders are indistinguishable from missing ones). */
    async findOwnOrder(userId: string, orderId: string): Promise<StoredOrder | null> {
      const { rows } = await pool.query<{ order_id: string; idempotency_key: string; placed_ms: string }>(
        `SELECT order_id, idempotency_key, (extract(epoch FROM placed_at) * 1000)::bigint AS placed_ms FROM order_keys WHERE order_id = $1 AND user_id = $2`,
        [orderId, userId]);
      const row = rows[0];
      if (!row) return null;
      return { orderId, userId, idempotencyKey: row.idempotency_key, placedAt: Number(row.placed_ms), result: await this.resultOf(orderId) };
    },

    /**
     * The user's own orders, newest first (by when placed, then order id), strictly older than `before`: every order
     * the gateway took (its claim in order_keys) with settlement's latest result when there is one, else PENDING.
     */
    async listOwnOrders(userId: string, limit: number, before: OrderCursor | null): Promise<OrderPage> {
      const { rows } = await pool.query<ListRow>(
        `SELECT k.order_id, k.idempotency_key, (extract(epoch FROM k.placed_at) * 1000)::bigint AS placed_ms,
                COALESCE(o.player_id, k.order_record->>'playerId') AS player_id, COALESCE(o.side, k.order_record->>'side') AS side,
                COALESCE(o.quantity, (k.order_record->>'quantity')::int) AS quantity,
                COALESCE(o.limit_price_cents, (k.order_record->>'limitPriceCents')::bigint) AS limit_price_cents,
                o.status, o.reason, o.fill_price_cents, o.cost_cents, o.retry_after_ms, (extract(epoch FROM o.settled_at) * 1000)::bigint AS settled_ms
           FROM order_keys k LEFT JOIN orders o ON o.order_id = k.order_id
          WHERE k.user_id = $1 AND ($2::bigint IS NULL OR (k.placed_at, k.order_id) < (to_timestamp($2::bigint / 1000.0), $3::text))
          ORDER BY k.placed_at DESC, k.order_id DESC
          LIMIT $4`,
        [userId, before?.placedAt ?? null, before?.orderId ?? '', limit + 1]);
      const orders = rows.slice(0, limit).map(toListItem);
      const last = orders[orders.length - 1];
      return { orders, nextCursor: rows.length > limit && last ? encodeOrderCursor({ placedAt: last.placedAt, orderId: last.orderId }) : null };
    },
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;

// Settlement keeps each order row at its order's latest result (a voided fill's row says VOIDED).
const RESULT_SELECT = `SELECT o.order_id, o.user_id, o.idempotency_key, o.player_id, o.side, o.quantity, o.status, o.reason, o.fill_price_cents, o.tick_seq,
  o.cost_cents, o.retry_after_ms, o.cash_after_cents, (extract(epoch FROM o.placed_at) * 1000)::bigint AS placed_ms,
  (extract(epoch FROM o.settled_at) * 1000)::bigint AS settled_ms
  FROM orders o`;

interface ResultRow {
  order_id: string; user_id: string; idempotency_key: string; player_id: string; side: Side; quantity: number; status: OrderResult['status'];
  reason: string | null; fill_price_cents: string | null; tick_seq: string | null; cost_cents: string | null; retry_after_ms: string | null;
  cash_after_cents: string | null; placed_ms: string; settled_ms: string;
}

const num = (v: string | null) => (v === null ? null : Number(v));

function toResult(r: ResultRow): OrderResult {
  return {
    orderId: r.order_id, userId: r.user_id, idempotencyKey: r.idempotency_key, playerId: r.player_id, side: r.side, quantity: r.quantity,
    status: r.status, reason: r.reason, fillPriceCents: num(r.fill_price_cents), tickSeq: num(r.tick_seq), costCents: num(r.cost_cents),
    retryAfterMs: num(r.retry_after_ms), cashAfterCents: num(r.cash_after_cents), placedAt: Number(r.placed_ms), settledAt: Number(r.settled_ms),
  };
}

interface ListRow {
  order_id: string; idempotency_key: string; placed_ms: string; player_id: string; side: Side; quantity: number; limit_price_cents: string | null;
  status: OrderResult['status'] | null; reason: string | null; fill_price_cents: string | null; cost_cents: string | null; retry_after_ms: string | null;
  settled_ms: string | null;
}

function toListItem(r: ListRow): OrderListItem {
  const status = r.status ?? 'PENDING';
  return {
    orderId: r.order_id, idempotencyKey: r.idempotency_key, playerId: r.player_id, side: r.side, quantity: r.quantity,
    limitPriceCents: num(r.limit_price_cents), placedAt: Number(r.placed_ms), status, reason: r.reason,
    reasonText: orderReasonText(status, r.reason, num(r.retry_after_ms)), fillPriceCents: num(r.fill_price_cents), costCents: num(r.cost_cents),
    settledAt: num(r.settled_ms), voided: status === 'VOIDED',
  };
}
