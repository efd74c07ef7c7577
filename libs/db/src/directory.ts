// Reads of the user and match directory that several readers share (the
// leaderboard service, backfills, the audit): each user's opening balance (the
// genesis of their ledger chain, written by settlement) and the players of
// each match (written by feed-ingest).
import type { Pool } from './index';

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
