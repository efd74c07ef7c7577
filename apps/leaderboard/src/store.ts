// The leaderboard's own table: the latest snapshot of each board (upserted,
// one row per board). The user and match directory comes from @inplay/db.
import type { LeaderboardSnapshot } from '@inplay/contracts';
import type { Pool } from '@inplay/db';

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
