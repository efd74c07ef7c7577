import { beforeAll, describe, expect, it } from 'vitest';
import type { MatchEventType } from '@inplay/contracts';
import { mapStatsBombEvents, type StatsBombFeed } from './statsbomb-events';
import { positionFromStatsBomb, rosterFromLineups } from './statsbomb-roster';
import { loadStatsBombMatch, STATSBOMB_MATCH_ID } from './statsbomb.fixtures';
import type { SbEvent, SbLineup } from './statsbomb-types';
import type { StatsBombTeams } from './statsbomb-teams';
import { parsePeriodTimestampMs } from './statsbomb-clock';

const KICK_OFF_AT = 1_537_728_300_000; // 2018-09-23T18:45:00Z
const BARCELONA = '217';
const GIRONA = '211';
const MESSI = '5503';
const STUANI = '6351';
const PIQUE = '5213';
const VIDAL = '8206';
const AARON = '6578'; // Aday Benítez, assisted Stuani
const LENGLET = '6826';

let raw: { events: SbEvent[]; lineups: SbLineup[]; teams: StatsBombTeams };
let feed: StatsBombFeed;
const ofType = (...types: MatchEventType[]) => feed.events.filter((e) => types.includes(e.type));

beforeAll(async () => {
  raw = await loadStatsBombMatch();
  feed = mapStatsBombEvents(raw.events, { matchId: STATSBOMB_MATCH_ID, kickOffAt: KICK_OFF_AT, teams: raw.teams });
});

describe('StatsBomb feed: Barcelona 2-2 Girona', () => {
  it('finds exactly the four goals with the right scorers, in order', () => {
    expect(ofType('GOAL', 'PENALTY_SCORED', 'OWN_GOAL').map((e) => [e.type, e.playerId, e.teamId, `${e.homeScore}-${e.awayScore}`])).toEqual([
      ['GOAL', MESSI, BARCELONA, '1-0'],
      ['GOAL', STUANI, GIRONA, '1-1'],
      ['GOAL', STUANI, GIRONA, '1-2'],
      ['GOAL', PIQUE, BARCELONA, '2-2'],
    ]);
  });

  it('ends 2-2 at FULL_TIME', () => {
    const last = feed.events.at(-1);
    expect([last?.type, last?.homeScore, last?.awayScore]).toEqual(['FULL_TIME', 2, 2]);
  });

  it('encodes the assist in the GOAL as relatedPlayerId and names the beaten keeper', () => {
    const goals = ofType('GOAL');
    expect(goals.map((g) => g.relatedPlayerId)).toEqual([VIDAL, AARON, null, null]);
    expect(goals.map((g) => g.attributes.concedingKeeperId)).toEqual(['6785', '20055', '20055', '6785']);
    expect(ofType('ASSIST')).toEqual([]);
  });

  it('accounts for every one of the 4,027 provider events as mapped or ignored', () => {
    const ignoredCount = Object.values(feed.ignored).reduce((a, b) => a + b, 0);
    expect(raw.events).toHaveLength(4027);
    expect(feed.unreadable).toEqual([]);
    expect(feed.mappedProviderEvents + ignoredCount).toBe(4027);
    // 6 substitutions yield two drafts each and 2 shots are also BIG_CHANCEs
    expect(feed.events.length).toBe(feed.mappedProviderEvents + 6 + ofType('BIG_CHANCE').length);
    expect(feed.ignored).toMatchObject({ Pass: 1148, 'Ball Receipt*': 1119, Carry: 985, 'Half Start': 2, 'Half End': 2, 'Starting XI': 2 });
  });

  it('gives every draft a unique eventId derived from the provider id', () => {
    const ids = feed.events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of feed.events) expect(e.eventId.startsWith(`statsbomb:${e.providerEventId}`)).toBe(true);
  });

  it('keeps occurredAt non-decreasing and places the second half 60 minutes after kick-off', () => {
    feed.events.forEach((e, i) => {
      if (i > 0) expect(e.occurredAt).toBeGreaterThanOrEqual(feed.events[i - 1]!.occurredAt);
    });
    const kickOffs = ofType('KICK_OFF');
    expect(kickOffs.map((k) => [k.period, k.occurredAt - KICK_OFF_AT])).toEqual([[1, 0], [2, 60 * 60_000]]);
    expect(ofType('HALF_TIME').map((e) => e.matchClockMs)).toEqual([parsePeriodTimestampMs('00:48:01.108')]);
  });

  it('maps the cards, Lenglet\'s red among them', () => {
    expect(ofType('YELLOW_CARD')).toHaveLength(8); // six from fouls, two for bad behaviour
    expect(ofType('RED_CARD').map((e) => e.playerId)).toEqual([LENGLET]);
  });

  it('maps each substitution to an OFF and an ON pointing at each other', () => {
    const off = ofType('SUBSTITUTION_OFF');
    const on = ofType('SUBSTITUTION_ON');
    expect(off).toHaveLength(6);
    expect(on.map((e) => [e.playerId, e.relatedPlayerId])).toEqual(off.map((e) => [e.relatedPlayerId, e.playerId]));
    expect(on.every((e) => e.eventId.endsWith(':on'))).toBe(true);
  });

  it('maps shots, saves, big chances and the injury', () => {
    expect(ofType('SHOT_ON_TARGET').length + ofType('SHOT_OFF_TARGET').length).toBe(27 - 4);
    expect(ofType('SAVE')).toHaveLength(12);
    expect(ofType('BIG_CHANCE').map((e) => e.attributes.xg)).toEqual(['0.2281', '0.2917']);
    expect(ofType('INJURY').map((e) => e.playerId)).toEqual([STUANI]);
  });

  it('counts an unreadable timestamp instead of dropping the event', () => {
    const broken = { ...raw.events[5]!, timestamp: 'soon' };
    const result = mapStatsBombEvents([broken], { matchId: 'x', kickOffAt: 0, teams: raw.teams });
    expect(result.unreadable).toEqual([{ providerEventId: broken.id, reason: expect.stringContaining('soon') }]);
  });
});

describe('StatsBomb roster', () => {
  it('lists all 36 players of both squads with team and a position-based starting price', () => {
    const roster = rosterFromLineups(raw.lineups, raw.events, { matchId: STATSBOMB_MATCH_ID, teams: raw.teams });
    expect([roster.homeTeamId, roster.awayTeamId]).toEqual([BARCELONA, GIRONA]);
    expect(roster.players).toHaveLength(36);
    expect(roster.players.filter((p) => p.startingXi)).toHaveLength(22);
    const byId = new Map(roster.players.map((p) => [p.playerId, p]));
    expect(byId.get('20055')).toMatchObject({ position: 'GK', teamId: BARCELONA, initialPriceCents: 700, startingXi: true });
    expect(byId.get(MESSI)).toMatchObject({ position: 'FWD', initialPriceCents: 1200 });
    expect(byId.get(PIQUE)).toMatchObject({ position: 'DEF', initialPriceCents: 800 });
    expect(byId.get('3501')).toMatchObject({ startingXi: false, name: 'Philippe Coutinho' }); // came on: position from his first event
  });

  it('takes the starting prices from the table it is given', () => {
    const roster = rosterFromLineups(raw.lineups, raw.events, { matchId: 'x', teams: raw.teams, initialPriceCentsByPosition: { GK: 1, DEF: 2, MID: 3, FWD: 4 } });
    expect(new Set(roster.players.map((p) => p.initialPriceCents))).toEqual(new Set([1, 2, 3, 4]));
  });

  it.each([['Goalkeeper', 'GK'], ['Left Wing Back', 'DEF'], ['Right Center Back', 'DEF'], ['Left Wing', 'FWD'], ['Center Forward', 'FWD'], ['Center Attacking Midfield', 'MID'], ['Right Defensive Midfield', 'MID']])(
    'maps StatsBomb position %s to %s', (name, position) => {
      expect(positionFromStatsBomb(name)).toBe(position);
    });
});
