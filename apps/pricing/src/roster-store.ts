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
