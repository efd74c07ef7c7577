// Builders shared by pricing's specs: a small roster, match events and trades
// with sensible defaults, and the rows feed-ingest would write for a roster.
import type { MatchEvent, Trade } from '@inplay/contracts';
import type { Roster } from '@inplay/domain';

export const KICK_OFF_AT = 1_700_000_000_000;

export const roster: Roster = {
  matchId: 'm1',
  homeTeamId: 'home',
  awayTeamId: 'away',
  players: [
    { playerId: 'h-gk', name: 'Home Keeper', jersey: 1, teamId: 'home', teamName: 'Home', position: 'GK', startingXi: true, initialPriceCents: 700 },
    { playerId: 'h-fw', name: 'Home Striker', jersey: 9, teamId: 'home', teamName: 'Home', position: 'FWD', startingXi: true, initialPriceCents: 1200 },
    { playerId: 'h-mf', name: 'Home Playmaker', jersey: 10, teamId: 'home', teamName: 'Home', position: 'MID', startingXi: true, initialPriceCents: 1000 },
    { playerId: 'a-gk', name: 'Away Keeper', jersey: 1, teamId: 'away', teamName: 'Away', position: 'GK', startingXi: true, initialPriceCents: 700 },
    { playerId: 'a-df', name: 'Away Defender', jersey: 4, teamId: 'away', teamName: 'Away', position: 'DEF', startingXi: true, initialPriceCents: 800 },
    { playerId: 'a-fw', name: 'Away Striker', jersey: 9, teamId: 'away', teamName: 'Away', position: 'FWD', startingXi: true, initialPriceCents: 1200 },
  ],
};

/** The same roster under other ids, so several test scenarios can share one database and topic set. */
export function rosterFor(matchId: string): Roster {
  return {
    matchId,
    homeTeamId: `${matchId}-home`,
    awayTeamId: `${matchId}-away`,
    players: roster.players.map((p) => ({ ...p, playerId: `${matchId}-${p.playerId}`, teamId: `${matchId}-${p.teamId}` })),
  };
}

export function matchEvent(overrides: Partial<MatchEvent> = {}): MatchEvent {
  return {
    eventId: 'test:e1',
    provider: 'test',
    providerEventId: 'e1',
    matchId: 'm1',
    type: 'GOAL',
    playerId: 'h-fw',
    relatedPlayerId: 'h-mf',
    teamId: 'home',
    period: 1,
    matchClockMs: 60_000,
    occurredAt: KICK_OFF_AT + 60_000,
    ingestedAt: KICK_OFF_AT + 85_000,
    homeScore: 1,
    awayScore: 0,
    attributes: {},
    ...overrides,
  };
}

export function kickOff(matchId: string, ingestedAt: number, period = 1): MatchEvent {
  return matchEvent({
    eventId: `test:${matchId}-ko${period}`, providerEventId: `${matchId}-ko${period}`, matchId, type: 'KICK_OFF', playerId: null,
    relatedPlayerId: null, teamId: null, period, matchClockMs: 0, occurredAt: ingestedAt, ingestedAt, homeScore: 0, awayScore: 0,
  });
}

export function trade(overrides: Partial<Trade> = {}): Trade {
  return {
    tradeId: 't1',
    orderId: 'o1',
    userId: 'u1',
    playerId: 'h-fw',
    side: 'BUY',
    quantity: 200,
    priceCents: 1200,
    tickSeq: 1,
    executedAt: KICK_OFF_AT + 10_000,
    ...overrides,
  };
}
