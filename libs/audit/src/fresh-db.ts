// Writes the rebuilt projection into a fresh, migrated database: the proof's
// artefact, which anyone can query and diff against the live one.
import { createDatabase, createPool, inTransaction as inPoolTransaction, insertChainedEntries, insertOrderRows, migrate, type PoolClient } from '@inplay/db';
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
  const inTransaction = (work: (client: PoolClient) => Promise<unknown>) => inPoolTransaction(pool, work);
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
      inTransaction((client) => insertOrderRows(client, [...rebuilt.orders.values()])),
      inTransaction((client) => insertChainedEntries(client, rebuilt.ledger)),
    ]);
  } finally {
    await pool.end();
  }
  return url;
}
