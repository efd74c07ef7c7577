// Match rosters from Postgres (matches and players, written by feed-ingest):
// the sequencer needs them to initialize players at kick-off and to find the
// keeper who concedes a goal.
import type { Pool } from '@inplay/db';
import type { Position, Roster } from '@inplay/domain';

export interface RosterStore {
  /** The match's roster, or null when the match or its players are not in the database. */
  rosterOf(matchId: string): Promise<Roster | null>;
}

interface RosterRow {
  home_team_id: string;
  away_team_id: string;
  player_id: string;
  name: string;
  team_id: string;
  team_name: string;
  position: Position | null;
  jersey: number | null;
  initial_price_cents: string;
  starting_xi: boolean | null;
}

// players has no starting_xi column (yet): read it when present, else every player counts as
// listed and keeperOf takes the first keeper by jersey (the usual No. 1).
const ROSTER_SQL = `
  SELECT m.home_team_id, m.away_team_id, p.player_id, p.name, p.team_id, p.team_name, p.position, p.jersey,
         p.initial_price_cents, (to_jsonb(p) ->> 'starting_xi')::boolean AS starting_xi
    FROM matches m JOIN players p ON p.match_id = m.match_id
   WHERE m.match_id = $1
   ORDER BY p.team_id, p.jersey NULLS LAST, p.player_id`;

export function postgresRosterStore(pool: Pool): RosterStore {
  return {
    async rosterOf(matchId) {
      const { rows } = await pool.query<RosterRow>(ROSTER_SQL, [matchId]);
      const first = rows[0];
      if (!first) return null;
      return {
        matchId,
        homeTeamId: first.home_team_id,
        awayTeamId: first.away_team_id,
        players: rows.map((r) => ({
          playerId: r.player_id,
          name: r.name,
          jersey: r.jersey,
          teamId: r.team_id,
          teamName: r.team_name,
          position: r.position,
          startingXi: r.starting_xi ?? false,
          initialPriceCents: Number(r.initial_price_cents),
        })),
      };
    },
  };
}

/** Writes a roster the way feed-ingest does (matches + players), for tests and the benchmark. */
export async function writeRoster(pool: Pool, roster: Roster, kickOffAt: number): Promise<void> {
  const team = (teamId: string) => roster.players.find((p) => p.teamId === teamId)?.teamName ?? teamId;
  await pool.query(
    `INSERT INTO matches (match_id, provider, home_team_id, home_team, away_team_id, away_team, kick_off_at)
     VALUES ($1, 'inplay', $2, $3, $4, $5, to_timestamp($6 / 1000.0))`,
    [roster.matchId, roster.homeTeamId, team(roster.homeTeamId), roster.awayTeamId, team(roster.awayTeamId), kickOffAt],
  );
  const columns = ['player_id', 'match_id', 'name', 'team_id', 'team_name', 'position', 'jersey', 'initial_price_cents'];
  const values = roster.players.flatMap((p) => [p.playerId, roster.matchId, p.name, p.teamId, p.teamName, p.position, p.jersey, p.initialPriceCents]);
  const rows = roster.players.map((_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(', ')})`);
  await pool.query(`INSERT INTO players (${columns.join(', ')}) VALUES ${rows.join(', ')}`, values);
}
