// The roster of a StatsBomb match: every player of both lineups with team,
// position and starting price. Lineups files of some vintages carry no
// positions, so they come from the Starting XI events and, for substitutes,
// from the first event they appear in. A player with none of these (an unused
// substitute) has no known position and keeps none.
import { initialPriceCentsOf, type InitialPriceTable, type Position, type Roster, type RosterPlayer } from '../match/roster';
import type { SbEvent, SbLineup } from './statsbomb-types';

export interface StatsBombRosterOptions {
  matchId: string;
  /** Home and away, as the data states them (statsBombTeams). */
  teams: { homeTeamId: string; awayTeamId: string };
  initialPriceCentsByPosition?: InitialPriceTable;
}

/** StatsBomb position name ("Left Wing Back", "Center Forward"...) -> our four positions. */
export function positionFromStatsBomb(name: string): Position {
  if (name === 'Goalkeeper') return 'GK';
  if (/Back/.test(name)) return 'DEF';
  if (/Forward|Striker|Wing$/.test(name)) return 'FWD';
  return 'MID';
}

export function rosterFromLineups(lineups: readonly SbLineup[], events: readonly SbEvent[], options: StatsBombRosterOptions): Roster {
  const starters = new Map<number, string>();
  for (const event of events) {
    if (event.type.name !== 'Starting XI') continue;
    for (const slot of event.tactics?.lineup ?? []) starters.set(slot.player.id, slot.position.name);
  }
  const firstSeenPosition = new Map<number, string>();
  for (const event of events) {
    if (event.player && event.position && !firstSeenPosition.has(event.player.id)) firstSeenPosition.set(event.player.id, event.position.name);
  }

  const players: RosterPlayer[] = lineups.flatMap((team) =>
    team.lineup.map((p) => {
      const listed = p.positions?.[0];
      const positionName = listed?.position ?? starters.get(p.player_id) ?? firstSeenPosition.get(p.player_id);
      const position = positionName === undefined ? null : positionFromStatsBomb(positionName);
      return {
        playerId: String(p.player_id),
        name: p.player_nickname ?? p.player_name,
        jersey: p.jersey_number ?? null,
        teamId: String(team.team_id),
        teamName: team.team_name,
        position,
        startingXi: starters.has(p.player_id) || listed?.start_reason === 'Starting XI',
        initialPriceCents: initialPriceCentsOf(position, options.initialPriceCentsByPosition),
      };
    }),
  );
  return { matchId: options.matchId, homeTeamId: options.teams.homeTeamId, awayTeamId: options.teams.awayTeamId, players };
}
