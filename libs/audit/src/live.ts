// The live projection as settlement left it in Postgres, read in one
// REPEATABLE READ transaction (one snapshot) so its tables agree with each other.
import { inTransaction, type Pool } from '@inplay/db';
import { holdingKey, type ChainedEntry, type GenesisAccount, type RebuiltOrderRow } from '@inplay/domain';

export interface LiveProjection {
  users: Map<string, string>;
  cash: Map<string, number>;
  holdings: Map<string, number>;
  orders: Map<string, RebuiltOrderRow>;
  /** Sorted by user, then chain seq (verifyChains' order). */
  ledger: (ChainedEntry & { entryId: number })[];
  /** Each user's opening cash: the cash posting of their issuance, the genesis of the replay. */
  genesis: GenesisAccount[];
  leaderboards: Map<string, { computedAt: number; totalUsers: number; entries: { rank: number; userId: string; valueCents: number }[] }>;
}

type BoardEntry = { rank: number; userId: string; valueCents: number };

const num = (v: string | null): number | null => (v === null ? null : Number(v));

export async function readLiveProjection(pool: Pool): Promise<LiveProjection> {
  // One snapshot for every table, so the projection read is consistent with itself.
  const { users, accounts, holdings, orders, ledger, boards } = await inTransaction(pool, async (client) => {
    const users = await client.query<{ user_id: string; display_name: string }>('SELECT user_id, display_name FROM users');
    const accounts = await client.query<{ user_id: string; cash_cents: string }>('SELECT user_id, cash_cents FROM accounts');
    const holdings = await client.query<{ user_id: string; player_id: string; quantity: string }>('SELECT user_id, player_id, quantity FROM holdings');
    const orders = await client.query<Record<string, string | null>>(
      `SELECT order_id, user_id, idempotency_key, player_id, side, quantity, limit_price_cents, round(extract(epoch FROM placed_at) * 1000)::bigint AS placed_at,
              status, reason, fill_price_cents, tick_seq, cost_cents, retry_after_ms, cash_after_cents, round(extract(epoch FROM settled_at) * 1000)::bigint AS settled_at
         FROM orders`);
    const ledger = await client.query<{ entry_id: string; user_id: string; chain_seq: string; transaction_id: string; account: string; amount_cents: string; hash: string }>(
      'SELECT entry_id, user_id, chain_seq, transaction_id, account, amount_cents, hash FROM ledger_entries ORDER BY user_id COLLATE "C", chain_seq');
    const boards = await client.query<{ board_id: string; computed_at: Date; total_users: number; entries: BoardEntry[] }>(
      'SELECT board_id, computed_at, total_users, entries FROM leaderboard_snapshots');
    return { users, accounts, holdings, orders, ledger, boards };
  }, { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' });
  const ledgerRows = ledger.rows.map((r) => ({
    entryId: Number(r.entry_id), userId: r.user_id, chainSeq: Number(r.chain_seq), transactionId: r.transaction_id, account: r.account, amountCents: Number(r.amount_cents), hash: r.hash,
  }));
  return {
    users: new Map(users.rows.map((r) => [r.user_id, r.display_name])),
    cash: new Map(accounts.rows.map((r) => [r.user_id, Number(r.cash_cents)])),
    holdings: new Map(holdings.rows.map((r) => [holdingKey(r.user_id, r.player_id), Number(r.quantity)])),
    orders: new Map(orders.rows.map((r) => [r['order_id']!, {
      orderId: r['order_id']!, userId: r['user_id']!, idempotencyKey: r['idempotency_key']!, playerId: r['player_id']!, side: r['side'] as 'BUY' | 'SELL',
      quantity: Number(r['quantity']), limitPriceCents: num(r['limit_price_cents']!), placedAt: Number(r['placed_at']), status: r['status'] as RebuiltOrderRow['status'],
      reason: r['reason'] ?? null, fillPriceCents: num(r['fill_price_cents'] ?? null), tickSeq: num(r['tick_seq'] ?? null), costCents: num(r['cost_cents'] ?? null),
      retryAfterMs: num(r['retry_after_ms'] ?? null), cashAfterCents: num(r['cash_after_cents'] ?? null), settledAt: Number(r['settled_at']),
    }])),
    ledger: ledgerRows,
    genesis: ledgerRows.filter((e) => e.transactionId === `issue:${e.userId}` && e.account === `cash:${e.userId}`).map((e) => ({ userId: e.userId, openingCashCents: e.amountCents })),
    leaderboards: new Map(boards.rows.map((r) => [r.board_id, { computedAt: r.computed_at.getTime(), totalUsers: r.total_users, entries: r.entries }])),
  };
}
