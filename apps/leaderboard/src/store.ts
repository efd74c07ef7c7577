// The leaderboard's Postgres side: opening balances of users (the genesis of
// their ledger chains), the match of each player, and the latest snapshot of
// each board (upserted, one row per board).
import type { LeaderboardSnapshot } from '@inplay/contracts';
import type { Pool } from '@inplay/db';

export async function openingBalances(pool: Pool): Promise<{ userId: string; cashCents: number }[]> {
  const { rows } = await pool.query<{ user_id: string; amount_cents: string }>(
    `SELECT user_id, amount_cents FROM ledger_entries
      WHERE chain_seq = 1 AND transaction_id = 'issue:' || user_id AND account = 'cash:' || user_id`);
  return rows.map((r) => ({ userId: r.user_id, cashCents: Number(r.amount_cents) }));
}

export async function playersOfMatches(pool: Pool): Promise<Map<string, Set<string>>> {
  const { rows } = await pool.query<{ match_id: string; player_id: string }>('SELECT match_id, player_id FROM players');
  const byMatch = new Map<string, Set<string>>();
  for (const r of rows) byMatch.set(r.match_id, (byMatch.get(r.match_id) ?? new Set()).add(r.player_id));
  return byMatch;
}

export async function saveSnapshots(pool: Pool, snapshots: readonly LeaderboardSnapshot[]): Promise<void> {
  if (snapshots.length === 0) return;
  await pool.query(
    `INSERT INTO leaderboard_snapshots (board_id, computed_at, total_users, entries)
     SELECT b, to_timestamp(c / 1000.0), t, e::jsonb FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[]) AS x(b, c, t, e)
     ON CONFLICT (board_id) DO UPDATE SET computed_at = EXCLUDED.computed_at, total_users = EXCLUDED.total_users, entries = EXCLUDED.entries, updated_at = now()`,
    [snapshots.map((s) => s.boardId), snapshots.map((s) => s.computedAt), snapshots.map((s) => s.totalUsers), snapshots.map((s) => JSON.stringify(s.entries))]);
}

export async function loadSnapshots(pool: Pool): Promise<LeaderboardSnapshot[]> {
  const { rows } = await pool.query<{ board_id: string; computed_at: Date; total_users: number; entries: LeaderboardSnapshot['entries'] }>(
    'SELECT board_id, computed_at, total_users, entries FROM leaderboard_snapshots');
  return rows.map((r) => ({ boardId: r.board_id, computedAt: r.computed_at.getTime(), totalUsers: r.total_users, entries: r.entries }));
}
