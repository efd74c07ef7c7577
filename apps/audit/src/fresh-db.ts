// Writes the rebuilt projection into a fresh, migrated database: the proof's
// artefact, which anyone can query and diff against the live one.
import { createDatabase, createPool, migrate, type PoolClient } from '@inplay/db';
import type { Board, RebuiltProjection } from '@inplay/domain';

/** Rows per INSERT ... SELECT FROM unnest(...) statement. */
export const REBUILD_ROWS_PER_STATEMENT = 10_000;

async function insertChunks<T>(client: PoolClient, rows: readonly T[], sql: string, columns: ((row: T) => unknown)[]): Promise<void> {
  for (let start = 0; start < rows.length; start += REBUILD_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + REBUILD_ROWS_PER_STATEMENT);
    await client.query(sql, columns.map((col) => chunk.map(col)));
  }
}

/** Creates and migrates the database the rebuild goes into; returns its URL. */
export async function prepareRebuiltDatabase(adminDatabaseUrl: string, name: string): Promise<string> {
  const url = await createDatabase(adminDatabaseUrl, name);
  await migrate(url);
  return url;
}

/** Three connections write the tables side by side (the rebuilt database is scratch: no cross-table transaction needed). */
export async function writeRebuiltDatabase(url: string, rebuilt: RebuiltProjection, users: Map<string, string>, boards: Board[], computedAt: number): Promise<string> {
  const pool = createPool(url, { max: 3, applicationName: 'inplay-audit' });
  const inTransaction = async (work: (client: PoolClient) => Promise<void>) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
  const userIds = [...rebuilt.cash.keys()];
  try {
    // Users and accounts first: holdings reference them.
    await inTransaction(async (client) => {
      await insertChunks(client, userIds, 'INSERT INTO users (user_id, display_name) SELECT * FROM unnest($1::text[], $2::text[])', [(u) => u, (u) => users.get(u) ?? u]);
      await insertChunks(client, userIds, 'INSERT INTO accounts (user_id, cash_cents) SELECT * FROM unnest($1::text[], $2::bigint[])', [(u) => u, (u) => Math.max(0, rebuilt.cash.get(u) ?? 0)]);
    });
    await Promise.all([
      inTransaction(async (client) => {
        const holdings = [...rebuilt.holdings].map(([key, quantity]) => ({ userId: key.split('\u0000')[0]!, playerId: key.split('\u0000')[1]!, quantity }))
          .filter((h) => rebuilt.cash.has(h.userId) && h.quantity >= 0);
        await insertChunks(client, holdings, 'INSERT INTO holdings (user_id, player_id, quantity) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])',
          [(h) => h.userId, (h) => h.playerId, (h) => h.quantity]);
        await insertChunks(client, boards,
          'INSERT INTO leaderboard_snapshots (board_id, computed_at, total_users, entries) SELECT b, to_timestamp(c / 1000.0), t, e::jsonb FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[]) AS x(b, t, e, c)',
          [(b) => b.boardId, (b) => b.totalUsers, (b) => JSON.stringify(b.entries), () => computedAt]);
      }),
      inTransaction((client) => insertChunks(client, [...rebuilt.orders.values()],
        `INSERT INTO orders (order_id, user_id, idempotency_key, player_id, side, quantity, limit_price_cents, placed_at, status, reason,
                             fill_price_cents, tick_seq, cost_cents, retry_after_ms, cash_after_cents, settled_at)
         SELECT o, u, k, p, s, q, l, to_timestamp(pa / 1000.0), st, r, f, t, c, ra, ca, to_timestamp(sa / 1000.0)
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::bigint[], $9::text[], $10::text[],
                       $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[])
             AS x(o, u, k, p, s, q, l, pa, st, r, f, t, c, ra, ca, sa)
         ON CONFLICT DO NOTHING`,
        [(o) => o.orderId, (o) => o.userId, (o) => o.idempotencyKey, (o) => o.playerId, (o) => o.side, (o) => o.quantity, (o) => o.limitPriceCents, (o) => o.placedAt,
          (o) => o.status, (o) => o.reason, (o) => o.fillPriceCents, (o) => o.tickSeq, (o) => o.costCents, (o) => o.retryAfterMs, (o) => o.cashAfterCents, (o) => o.settledAt])),
      inTransaction((client) => insertChunks(client, rebuilt.ledger,
        `INSERT INTO ledger_entries (transaction_id, account, amount_cents, user_id, chain_seq, hash)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[])`,
        [(e) => e.transactionId, (e) => e.account, (e) => e.amountCents, (e) => e.userId, (e) => e.chainSeq, (e) => e.hash])),
    ]);
  } finally {
    await pool.end();
  }
  return url;
}
