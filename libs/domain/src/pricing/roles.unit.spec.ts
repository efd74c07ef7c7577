import { describe, expect, it } from 'vitest';
import { matchEvent, roster } from './pricing.fixtures';
import { CONCEDING_KEEPER_ATTRIBUTE } from '../match/match-event';
import { rolesFor } from './roles';

const rolesOf = (event: Parameters<typeof rolesFor>[0]) => rolesFor(event, roster).map(({ playerId, command }) => [playerId, command.role]);

describe('rolesFor', () => {
  it('gives a goal to the scorer, the assister and the opponent starting keeper', () => {
    expect(rolesOf(matchEvent({ type: 'GOAL', playerId: 'h-fw', relatedPlayerId: 'h-mf', teamId: 'home' }))).toEqual([
      ['h-fw', 'subject'],
      ['h-mf', 'related'],
      ['a-gk', 'keeper'],
    ]);
  });

  it('blames the own goal scorer and his own keeper', () => {
    expect(rolesOf(matchEvent({ type: 'OWN_GOAL', playerId: 'a-df', teamId: 'away' }))).toEqual([
      ['a-df', 'subject'],
      ['a-gk', 'keeper'],
    ]);
  });

  it('prefers the keeper the feed names over the roster', () => {
    const event = matchEvent({ type: 'PENALTY_SCORED', playerId: 'a-df', teamId: 'away', attributes: { [CONCEDING_KEEPER_ATTRIBUTE]: 'h-gk2' } });
    expect(rolesOf(event)).toEqual([['a-df', 'subject'], ['h-gk2', 'keeper']]);
  });

  it('names no keeper for events that are not goals', () => {
    expect(rolesOf(matchEvent({ type: 'SUBSTITUTION_OFF', playerId: 'h-fw', relatedPlayerId: 'h-mf' }))).toEqual([
      ['h-fw', 'subject'],
      ['h-mf', 'related'],
    ]);
  });

  it('sends match-wide events to every player of the match and to none of another match', () => {
    expect(rolesFor(matchEvent({ type: 'FULL_TIME', playerId: null, teamId: null }), roster)).toHaveLength(roster.players.length);
    expect(rolesFor(matchEvent({ type: 'FULL_TIME', matchId: 'other', playerId: null, teamId: null }), roster)).toEqual([]);
  });
});
