// Writes the rebuilt projection into a fresh, migrated database: the proof's
// artefact, which anyone can query and diff against the live one.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { createDatabase, createPool, inTransaction as inPoolTransaction, insertChainedEntries, insertOrderRows, migrate, type Pool, type PoolClient } from '@inplay/db';
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

/** The rebuilt projection's rows, table by table, as both writers take them. */
function rebuiltRows(rebuilt: RebuiltProjection, users: Map<string, string>) {
  const userIds = [...rebuilt.cash.keys()];
  const holdings = [...rebuilt.holdings].map(([key, quantity]) => ({ userId: key.split('\u0000')[0]!, playerId: key.split('\u0000')[1]!, quantity }))
    .filter((h) => rebuilt.cash.has(h.userId) && h.quantity >= 0);
  return { userIds, displayName: (u: string) => users.get(u) ?? u, cash: (u: string) => Math.max(0, rebuilt.cash.get(u) ?? 0), holdings };
}

/** Three connections write the tables side by side (the rebuilt database is scratch: no cross-table transaction needed). */
export async function writeRebuiltDatabase(url: string, rebuilt: RebuiltProjection, users: Map<string, string>, boards: Board[], computedAt: number): Promise<string> {
  const pool = createPool(url, { max: 3, applicationName: 'inplay-audit' });
  const inTransaction = (work: (client: PoolClient) => Promise<unknown>) => inPoolTransaction(pool, work);
  const { userIds, displayName, cash, holdings } = rebuiltRows(rebuilt, users);
  try {
    // Users and accounts first: holdings reference them.
    await inTransaction(async (client) => {
      await insertChunks(client, userIds, 'INSERT INTO users (user_id, display_name) SELECT * FROM unnest($1::text[], $2::text[])', [(u) => u, displayName]);
      await insertChunks(client, userIds, 'INSERT INTO accounts (user_id, cash_cents) SELECT * FROM unnest($1::text[], $2::bigint[])', [(u) => u, cash]);
    });
    await Promise.all([
      inTransaction(async (client) => {
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

/** Characters COPY's text format escapes, and their escapes. */
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
/** Bytes per chunk handed to a COPY stream. */
export const COPY_CHUNK_CHARS = 256 * 1024;

/** One value in COPY's text format: \N for null, text with backslash, tab and newlines escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : value;
}

/**
 * Epoch ms as an ISO timestamp for COPY. Rows come in bursts within one second: the date and time of
 * the last second is kept and only the milliseconds appended (toISOString per row was a fifth of the formatting).
 */
export function copyTimes(): (ms: number) => string {
  let second = Number.NaN;
  let prefix = '';
  return (ms) => {
    const s = Math.floor(ms / 1_000);
    if (s !== second) { second = s; prefix = new Date(s * 1_000).toISOString().slice(0, 19); }
    return `${prefix}.${String(ms - s * 1_000).padStart(3, '0')}Z`;
  };
}

function* copyLines<T>(rows: Iterable<T>, line: (row: T) => (string | number | null)[]): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += `${line(row).join('\t')}\n`;
    if (chunk.length >= COPY_CHUNK_CHARS) { yield chunk; chunk = ''; }
  }
  if (chunk) yield chunk;
}

/** COPY FROM STDIN of every row into `table`, on a connection of its own. */
async function copyInto<T>(pool: Pool, table: string, columns: string, rows: Iterable<T>, line: (row: T) => (string | number | null)[]): Promise<void> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await pipeline(Readable.from(copyLines(rows, line)), client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
  } catch (err) {
    failed = err as Error;
    throw err;
  } finally {
    client.release(failed);
  }
}

/**
 * The same tables as writeRebuiltDatabase, by COPY FROM STDIN (no parameters to bind, no INSERT per chunk), on
 * three connections: orders and the ledger (no foreign keys) at once; users, once their display names are known
 * (`users` may still be read from the live database), then accounts, holdings and boards, which reference them.
 */
export async function copyRebuiltDatabase(url: string, rebuilt: RebuiltProjection, users: Map<string, string> | Promise<Map<string, string>>, boards: Board[], computedAt: number): Promise<string> {
  const pool = createPool(url, { max: 3, applicationName: 'inplay-audit' });
  const copyTime = copyTimes();
  const settledTime = copyTimes();
  try {
    const writes = [
      copyInto(pool, 'orders', 'order_id, user_id, idempotency_key, player_id, side, quantity, limit_price_cents, placed_at, status, reason, fill_price_cents, tick_seq, cost_cents, retry_after_ms, cash_after_cents, settled_at',
        rebuilt.orders.values(), (r) => [copyField(r.orderId), copyField(r.userId), copyField(r.idempotencyKey), copyField(r.playerId), r.side, r.quantity, copyField(r.limitPriceCents),
          copyTime(r.placedAt), r.status, copyField(r.reason), copyField(r.fillPriceCents), copyField(r.tickSeq), copyField(r.costCents), copyField(r.retryAfterMs), copyField(r.cashAfterCents), settledTime(r.settledAt)]),
      copyInto(pool, 'ledger_entries', 'transaction_id, account, amount_cents, user_id, chain_seq, hash', rebuilt.ledger,
        (e) => [copyField(e.transactionId), copyField(e.account), e.amountCents, copyField(e.userId), e.chainSeq, copyField(e.hash)]),
      (async () => {
        const { userIds, displayName, cash, holdings } = rebuiltRows(rebuilt, await users);
        await copyInto(pool, 'users', 'user_id, display_name', userIds, (u) => [copyField(u), copyField(displayName(u))]);
        await copyInto(pool, 'accounts', 'user_id, cash_cents', userIds, (u) => [copyField(u), cash(u)]);
        await copyInto(pool, 'holdings', 'user_id, player_id, quantity', holdings, (h) => [copyField(h.userId), copyField(h.playerId), h.quantity]);
        await copyInto(pool, 'leaderboard_snapshots', 'board_id, computed_at, total_users, entries', boards,
          (b) => [copyField(b.boardId), copyTime(computedAt), b.totalUsers, copyField(JSON.stringify(b.entries))]);
      })(),
    ];
    // Every write settles before the pool ends, the first failure is the one reported.
    const settled = await Promise.allSettled(writes);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    await pool.end();
  }
  return url;
}
