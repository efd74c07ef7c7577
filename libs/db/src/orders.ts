// The one writer of `orders` rows: settlement's batches and the audit's
// rebuilt database insert them through here, set-based (unnest), so the two
// can never disagree on a column; a void records its result here too. A row
// always holds the latest result of its order.
import type { OrderResult } from '@inplay/contracts';
import type { OrderRow } from '@inplay/domain';
import type { PoolClient } from './index';

/** Rows per INSERT statement (Postgres binds each column as one array). */
export const ORDER_ROWS_PER_STATEMENT = 10_000;

/** Inserts the rows (an existing order id is left alone); returns how many were inserted. */
export async function insertOrderRows(client: Pick<PoolClient, 'query'>, rows: readonly OrderRow[]): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += ORDER_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ORDER_ROWS_PER_STATEMENT);
    const col = <T>(f: (r: OrderRow) => T): T[] => chunk.map(f);
    const { rowCount } = await client.query(
      `INSERT INTO orders (order_id, user_id, idempotency_key, player_id, side, quantity, limit_price_cents, placed_at, status, reason,
                           fill_price_cents, tick_seq, cost_cents, retry_after_ms, cash_after_cents, settled_at)
       SELECT o, u, k, p, s, q, l, to_timestamp(pa / 1000.0), st, r, f, t, c, ra, ca, to_timestamp(sa / 1000.0)
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::bigint[], $9::text[], $10::text[],
                     $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[])
           AS x(o, u, k, p, s, q, l, pa, st, r, f, t, c, ra, ca, sa)
       ON CONFLICT DO NOTHING`,
      [col((r) => r.orderId), col((r) => r.userId), col((r) => r.idempotencyKey), col((r) => r.playerId), col((r) => r.side), col((r) => r.quantity),
        col((r) => r.limitPriceCents), col((r) => r.placedAt), col((r) => r.status), col((r) => r.reason), col((r) => r.fillPriceCents),
        col((r) => r.tickSeq), col((r) => r.costCents), col((r) => r.retryAfterMs), col((r) => r.cashAfterCents), col((r) => r.settledAt)]);
    inserted += rowCount ?? 0;
  }
  return inserted;
}

/**
 * A fill reversed by event-time void: its row takes the void's result (status
 * VOIDED, the reason, cash after, when) and keeps what was filled. Only a
 * FILLED row changes; returns how many did.
 */
export async function recordVoidedOrders(client: Pick<PoolClient, 'query'>, results: readonly Pick<OrderResult, 'orderId' | 'status' | 'reason' | 'cashAfterCents' | 'settledAt'>[]): Promise<number> {
  if (results.length === 0) return 0;
  const { rowCount } = await client.query(
    `UPDATE orders o SET status = x.st, reason = x.r, cash_after_cents = x.ca, settled_at = to_timestamp(x.sa / 1000.0)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS x(o, st, r, ca, sa)
      WHERE o.order_id = x.o AND o.status = 'FILLED'`,
    [results.map((r) => r.orderId), results.map((r) => r.status), results.map((r) => r.reason), results.map((r) => r.cashAfterCents), results.map((r) => r.settledAt)]);
  return rowCount ?? 0;
}
