// Which team is at home in a StatsBomb match. The data states it in two
// places: the matches file (home_team / away_team) and the order of the two
// `Starting XI` events (StatsBomb writes the home team's first). The lineups
// file does not: it lists the away team first in some matches.
import type { SbEvent, SbMatch } from './statsbomb-types';

export interface StatsBombTeams {
  homeTeamId: string;
  homeTeamName: string;
  awayTeamId: string;
  awayTeamName: string;
  /** Where home and away were read from. */
  source: 'matches-file' | 'starting-xi';
}

export type StatsBombTeamsResult = { ok: true; teams: StatsBombTeams } | { ok: false; reason: string };

/** Home and away from the matches file's entry when given, else from the order of the Starting XI events. */
export function statsBombTeams(events: readonly SbEvent[], match?: SbMatch): StatsBombTeamsResult {
  const startingXi = events.filter((e) => e.type.name === 'Starting XI' && e.team !== undefined).map((e) => e.team!);
  const teamsInEvents = new Set(startingXi.map((t) => String(t.id)));
  if (match) {
    const home = { id: String(match.home_team.home_team_id), name: match.home_team.home_team_name };
    const away = { id: String(match.away_team.away_team_id), name: match.away_team.away_team_name };
    if (home.id === away.id) return { ok: false, reason: `the matches file names team ${home.id} both home and away` };
    // A matches entry that contradicts the events is the wrong match, not a different truth.
    const strangers = [...teamsInEvents].filter((id) => id !== home.id && id !== away.id);
    if (strangers.length > 0) return { ok: false, reason: `the matches file says ${home.name} (${home.id}) v ${away.name} (${away.id}), but the events' Starting XI name team ${strangers.join(', ')}` };
    return { ok: true, teams: { homeTeamId: home.id, homeTeamName: home.name, awayTeamId: away.id, awayTeamName: away.name, source: 'matches-file' } };
  }
  const [home, away] = startingXi;
  if (startingXi.length !== 2 || home === undefined || away === undefined || home.id === away.id) {
    return { ok: false, reason: `the events carry ${startingXi.length} Starting XI events of ${teamsInEvents.size} teams (two, home first, are needed to tell home from away); give the matches file too` };
  }
  return { ok: true, teams: { homeTeamId: String(home.id), homeTeamName: home.name, awayTeamId: String(away.id), awayTeamName: away.name, source: 'starting-xi' } };
}
