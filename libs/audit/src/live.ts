// The live projection as settlement left it in Postgres, read in one
// REPEATABLE READ transaction (one snapshot) so its tables agree with each other.
// Two readers over the same queries and row mappers: `readLiveProjection`
// loads each table's result whole (the sequential audit, kept as the bench's
// baseline); `streamLiveProjection` streams the rows (pg-query-stream) into the
// maps as they arrive, and hands the genesis over as soon as the ledger is read.
import QueryStream from 'pg-query-stream';
import { inTransaction, type Pool, type PoolClient } from '@inplay/db';
import { holdingKey, type ChainedEntry, type GenesisAccount, type RebuiltOrderRow } from '@inplay/domain';

export interface LiveProjection {
  users: Map<string, string>;
  cash: Map<string, number>;
  holdings: Map<string, number>;
  orders: Map<string, RebuiltOrderRow>;
  /** Sorted by user, then chain seq (verifyChains' order). */
  ledger: LiveLedgerRow[];
  /** Each user's opening cash: the cash posting of their issuance, the genesis of the replay. */
  genesis: GenesisAccount[];
  leaderboards: Map<string, { computedAt: number; totalUsers: number; entries: { rank: number; userId: string; valueCents: number }[] }>;
}

export type LiveLedgerRow = ChainedEntry & { entryId: number };
type BoardEntry = { rank: number; userId: string; valueCents: number };
type Row = Record<string, unknown>;

/** Rows per round trip when streaming the live tables. */
export const LIVE_STREAM_BATCH_ROWS = 5_000;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const BEGIN_SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** The ledger first: the genesis is in it, and the fold of the results waits for nothing else. */
const QUERIES = {
  ledger: 'SELECT entry_id, user_id, chain_seq, transaction_id, account, amount_cents, hash FROM ledger_entries ORDER BY user_id COLLATE "C", chain_seq',
  users: 'SELECT user_id, display_name FROM users',
  accounts: 'SELECT user_id, cash_cents FROM accounts',
  holdings: 'SELECT user_id, player_id, quantity FROM holdings',
  orders: `SELECT order_id, user_id, idempotency_key, player_id, side, quantity, limit_price_cents, round(extract(epoch FROM placed_at) * 1000)::bigint AS placed_at,
                  status, reason, fill_price_cents, tick_seq, cost_cents, retry_after_ms, cash_after_cents, round(extract(epoch FROM settled_at) * 1000)::bigint AS settled_at
             FROM orders`,
  boards: 'SELECT board_id, computed_at, total_users, entries FROM leaderboard_snapshots',
} as const;
type Table = keyof typeof QUERIES;

function emptyProjection(): LiveProjection {
  return { users: new Map(), cash: new Map(), holdings: new Map(), orders: new Map(), ledger: [], genesis: [], leaderboards: new Map() };
}

/** Adds one row of `table` to the projection. */
const ADD_ROW: Record<Table, (live: LiveProjection, r: Row) => void> = {
  ledger: (live, r) => {
    const e: LiveLedgerRow = {
      entryId: Number(r['entry_id']), userId: r['user_id'] as string, chainSeq: Number(r['chain_seq']), transactionId: r['transaction_id'] as string,
      account: r['account'] as string, amountCents: Number(r['amount_cents']), hash: r['hash'] as string,
    };
    live.ledger.push(e);
    if (e.transactionId === `issue:${e.userId}` && e.account === `cash:${e.userId}`) live.genesis.push({ userId: e.userId, openingCashCents: e.amountCents });
  },
  users: (live, r) => { live.users.set(r['user_id'] as string, r['display_name'] as string); },
  accounts: (live, r) => { live.cash.set(r['user_id'] as string, Number(r['cash_cents'])); },
  holdings: (live, r) => { live.holdings.set(holdingKey(r['user_id'] as string, r['player_id'] as string), Number(r['quantity'])); },
  orders: (live, r) => {
    const orderId = r['order_id'] as string;
    live.orders.set(orderId, {
      orderId, userId: r['user_id'] as string, idempotencyKey: r['idempotency_key'] as string, playerId: r['player_id'] as string, side: r['side'] as 'BUY' | 'SELL',
      quantity: Number(r['quantity']), limitPriceCents: num(r['limit_price_cents']), placedAt: Number(r['placed_at']), status: r['status'] as RebuiltOrderRow['status'],
      reason: (r['reason'] as string | null) ?? null, fillPriceCents: num(r['fill_price_cents']), tickSeq: num(r['tick_seq']), costCents: num(r['cost_cents']),
      retryAfterMs: num(r['retry_after_ms']), cashAfterCents: num(r['cash_after_cents']), settledAt: Number(r['settled_at']),
    });
  },
  boards: (live, r) => {
    live.leaderboards.set(r['board_id'] as string, { computedAt: (r['computed_at'] as Date).getTime(), totalUsers: r['total_users'] as number, entries: r['entries'] as BoardEntry[] });
  },
};

/** Each table's result loaded whole, then mapped (the sequential audit). */
export async function readLiveProjection(pool: Pool): Promise<LiveProjection> {
  const results = await inTransaction(pool, async (client) => {
    const out: [Table, Row[]][] = [];
    for (const table of Object.keys(QUERIES) as Table[]) out.push([table, (await client.query<Row>(QUERIES[table])).rows]);
    return out;
  }, { begin: BEGIN_SNAPSHOT });
  const live = emptyProjection();
  for (const [table, rows] of results) for (const r of rows) ADD_ROW[table](live, r);
  return live;
}

function streamRows(client: PoolClient, sql: string, onRow: (row: Row) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(new QueryStream(sql, [], { batchSize: LIVE_STREAM_BATCH_ROWS }));
    stream.on('data', onRow);
    stream.on('error', reject);
    stream.on('end', () => resolve());
  });
}

/**
 * Streams the live projection, row by row, into its maps. `onGenesis` is
 * called once the ledger (read first) is in, before the other tables.
 */
export async function streamLiveProjection(pool: Pool, onGenesis?: (genesis: readonly GenesisAccount[]) => void): Promise<LiveProjection> {
  const live = emptyProjection();
  await inTransaction(pool, async (client) => {
    for (const table of Object.keys(QUERIES) as Table[]) {
      const add = ADD_ROW[table];
      await streamRows(client, QUERIES[table], (r) => add(live, r));
      if (table === 'ledger') onGenesis?.(live.genesis);
    }
  }, { begin: BEGIN_SNAPSHOT });
  return live;
}
