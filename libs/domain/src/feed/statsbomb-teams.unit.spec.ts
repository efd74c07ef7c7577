// Home and away come from the data that states them: the matches file, else
// the order of the Starting XI events; never from the lineups file's order.
import { describe, expect, it } from 'vitest';
import { initialPriceCentsOf } from '../match/roster';
import { mapStatsBombEvents } from './statsbomb-events';
import { rosterFromLineups } from './statsbomb-roster';
import { statsBombTeams } from './statsbomb-teams';
import type { SbEvent, SbLineup, SbMatch } from './statsbomb-types';

const HOME = { id: 909, name: 'Turkey' };
const AWAY = { id: 914, name: 'Italy' };

let index = 0;
function sb(type: string, fields: Partial<SbEvent> = {}): SbEvent {
  index += 1;
  return { id: `e${index}`, index, period: 1, timestamp: `00:${String(index).padStart(2, '0')}:00.000`, minute: index, second: 0, type: { id: 0, name: type }, ...fields };
}

const xi = (team: typeof HOME, keeperId: number, strikerId: number): SbEvent => sb('Starting XI', {
  team,
  tactics: { lineup: [{ player: { id: keeperId, name: `K${keeperId}` }, position: { id: 1, name: 'Goalkeeper' } }, { player: { id: strikerId, name: `S${strikerId}` }, position: { id: 23, name: 'Center Forward' } }] },
});

// A synthetic pair in the shape of StatsBomb's Euro 2020 opener: the lineups list the away team first.
const events: SbEvent[] = [
  xi(HOME, 1, 2),
  xi(AWAY, 11, 12),
  sb('Half Start', { team: HOME }),
  sb('Own Goal Against', { team: HOME, player: { id: 2, name: 'S2' } }),
  sb('Own Goal For', { team: AWAY }),
  sb('Shot', { team: AWAY, player: { id: 12, name: 'S12' }, shot: { outcome: { id: 97, name: 'Goal' } } }),
  sb('Half End', { team: HOME }),
];
const lineups: SbLineup[] = [
  { team_id: AWAY.id, team_name: AWAY.name, lineup: [{ player_id: 11, player_name: 'K11' }, { player_id: 12, player_name: 'S12' }, { player_id: 13, player_name: 'Bench', positions: [] }] },
  { team_id: HOME.id, team_name: HOME.name, lineup: [{ player_id: 1, player_name: 'K1' }, { player_id: 2, player_name: 'S2' }] },
];
const match: SbMatch = { match_id: 1, home_team: { home_team_id: HOME.id, home_team_name: HOME.name }, away_team: { away_team_id: AWAY.id, away_team_name: AWAY.name }, home_score: 0, away_score: 2 };

describe('home and away of a StatsBomb match', () => {
  it('takes them from the Starting XI order when the lineups list the away team first', () => {
    const result = statsBombTeams(events);
    expect(result).toEqual({ ok: true, teams: { homeTeamId: '909', homeTeamName: 'Turkey', awayTeamId: '914', awayTeamName: 'Italy', source: 'starting-xi' } });
  });

  it('prefers the matches file, even over the event order', () => {
    const swapped = [events[1]!, events[0]!, ...events.slice(2)];
    const result = statsBombTeams(swapped, match);
    expect(result.ok && [result.teams.homeTeamId, result.teams.source]).toEqual(['909', 'matches-file']);
  });

  it('refuses a matches entry naming other teams than the events, and events without two Starting XI', () => {
    const other: SbMatch = { ...match, home_team: { home_team_id: 1, home_team_name: 'Elsewhere' } };
    expect(statsBombTeams(events, other)).toEqual({ ok: false, reason: expect.stringContaining('Starting XI name team 909') });
    expect(statsBombTeams(events.slice(1))).toEqual({ ok: false, reason: expect.stringContaining('1 Starting XI events') });
    expect(statsBombTeams([xi(HOME, 1, 2), xi(HOME, 1, 2)])).toMatchObject({ ok: false });
  });

  it('scores the own goal and the goal for the away side and builds the roster with the right home team', () => {
    const result = statsBombTeams(events);
    if (!result.ok) throw new Error(result.reason);
    const feed = mapStatsBombEvents(events, { matchId: 'm', kickOffAt: 0, teams: result.teams });
    expect(feed.events.filter((e) => e.type === 'GOAL' || e.type === 'OWN_GOAL').map((e) => [e.type, e.teamId, `${e.homeScore}-${e.awayScore}`])).toEqual([
      ['OWN_GOAL', '909', '0-1'],
      ['GOAL', '914', '0-2'],
    ]);
    const roster = rosterFromLineups(lineups, events, { matchId: 'm', teams: result.teams });
    expect([roster.homeTeamId, roster.awayTeamId]).toEqual(['909', '914']);
  });

  it('keeps no invented position for a player the data gives none, and prices him by the documented rule', () => {
    const roster = rosterFromLineups(lineups, events, { matchId: 'm', teams: { homeTeamId: '909', awayTeamId: '914' } });
    const bench = roster.players.find((p) => p.playerId === '13');
    expect(bench).toMatchObject({ position: null, startingXi: false, initialPriceCents: initialPriceCentsOf(null) });
    expect(roster.players.find((p) => p.playerId === '12')?.position).toBe('FWD');
  });
});

describe('initial price of a player with no known position', () => {
  it('is the median of the table: between the two middle prices (€9.00 by default)', () => {
    expect(initialPriceCentsOf(null)).toBe(900);
    expect(initialPriceCentsOf(null, { GK: 100, DEF: 200, MID: 300, FWD: 1_000 })).toBe(250);
    expect(initialPriceCentsOf('FWD', { GK: 100, DEF: 200, MID: 300, FWD: 1_000 })).toBe(1_000);
  });
});
