// Registers a match and its players (the markets) before its first event.
// A player's share persists across matches: a known player moves to the new
// match with his latest name, team and position but keeps his initial price.
import { inTransaction, type Pool } from '@inplay/db';
import type { Roster } from '@inplay/domain';

export interface MatchRegistration {
  provider: string;
  /** Epoch ms; kept from the first registration when the match exists. */
  kickOffAt: number;
  /** Team names as the data states them; default: the name the roster's players carry. */
  teamNames?: { home: string; away: string };
}

/** Upserts the match and its roster in one transaction; returns the match's kick-off as stored. */
export async function registerMatch(pool: Pool, roster: Roster, registration: MatchRegistration): Promise<{ kickOffAt: number }> {
  const teamName = (teamId: string): string => roster.players.find((p) => p.teamId === teamId)?.teamName ?? teamId;
  const homeTeam = registration.teamNames?.home ?? teamName(roster.homeTeamId);
  const awayTeam = registration.teamNames?.away ?? teamName(roster.awayTeamId);
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ kick_off_ms: string }>(
      `INSERT INTO matches (match_id, provider, home_team_id, home_team, away_team_id, away_team, kick_off_at)
       VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7::double precision / 1000))
       ON CONFLICT (match_id) DO UPDATE SET provider = EXCLUDED.provider
       RETURNING (extract(epoch FROM kick_off_at) * 1000)::bigint AS kick_off_ms`,
      [roster.matchId, registration.provider, roster.homeTeamId, homeTeam, roster.awayTeamId, awayTeam, registration.kickOffAt],
    );
    const players = roster.players.map((p) => ({
      player_id: p.playerId, name: p.name, team_id: p.teamId, team_name: p.teamName, position: p.position, jersey: p.jersey, initial_price_cents: p.initialPriceCents,
    }));
    await client.query(
      `INSERT INTO players (player_id, match_id, name, team_id, team_name, position, jersey, initial_price_cents)
       SELECT x.player_id, $1, x.name, x.team_id, x.team_name, x.position, x.jersey, x.initial_price_cents
         FROM jsonb_to_recordset($2::jsonb) AS x(player_id text, name text, team_id text, team_name text, position text, jersey integer, initial_price_cents bigint)
       ON CONFLICT (player_id) DO UPDATE SET match_id = EXCLUDED.match_id, name = EXCLUDED.name, team_id = EXCLUDED.team_id,
         team_name = EXCLUDED.team_name, position = EXCLUDED.position, jersey = EXCLUDED.jersey`,
      [roster.matchId, JSON.stringify(players)],
    );
    return { kickOffAt: Number(rows[0]?.kick_off_ms ?? registration.kickOffAt) };
  });
}
