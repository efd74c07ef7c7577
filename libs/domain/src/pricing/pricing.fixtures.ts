// Builders shared by the pricing specs: a small roster, events and trades with
// sensible defaults, and a fold that runs commands through the decider.
import type { MatchEvent, PriceTick, Trade } from '@inplay/contracts';
import type { Roster } from '../match/roster';
import { isRejection, type PricingCommand, type PricingDecider } from './pricing-decider';
import { ticksOf, type PricingEvent, type PricingState } from './pricing-state';

export const KICK_OFF_AT = 1_700_000_000_000;

export const roster: Roster = {
  matchId: 'm1',
  homeTeamId: 'home',
  awayTeamId: 'away',
  players: [
    { playerId: 'h-gk', name: 'Home Keeper', jersey: 1, teamId: 'home', teamName: 'Home', position: 'GK', startingXi: true, initialPriceCents: 700 },
    { playerId: 'h-gk2', name: 'Home Bench Keeper', jersey: 13, teamId: 'home', teamName: 'Home', position: 'GK', startingXi: false, initialPriceCents: 700 },
    { playerId: 'h-fw', name: 'Home Striker', jersey: 9, teamId: 'home', teamName: 'Home', position: 'FWD', startingXi: true, initialPriceCents: 1200 },
    { playerId: 'h-mf', name: 'Home Playmaker', jersey: 10, teamId: 'home', teamName: 'Home', position: 'MID', startingXi: true, initialPriceCents: 1000 },
    { playerId: 'a-gk', name: 'Away Keeper', jersey: 1, teamId: 'away', teamName: 'Away', position: 'GK', startingXi: true, initialPriceCents: 700 },
    { playerId: 'a-df', name: 'Away Defender', jersey: 4, teamId: 'away', teamName: 'Away', position: 'DEF', startingXi: true, initialPriceCents: 800 },
  ],
};

export function matchEvent(overrides: Partial<MatchEvent> = {}): MatchEvent {
  return {
    eventId: 'test:e1',
    provider: 'test',
    providerEventId: 'e1',
    matchId: 'm1',
    type: 'GOAL',
    playerId: 'h-fw',
    relatedPlayerId: null,
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

export function trade(overrides: Partial<Trade> = {}): Trade {
  return {
    tradeId: 't1',
    orderId: 'o1',
    userId: 'u1',
    playerId: 'h-fw',
    side: 'BUY',
    quantity: 10,
    priceCents: 1200,
    tickSeq: 1,
    executedAt: KICK_OFF_AT + 10_000,
    ...overrides,
  };
}

export function initializeCommand(playerId = 'h-fw', initialPriceCents = 1200, at = KICK_OFF_AT): PricingCommand {
  const player = roster.players.find((p) => p.playerId === playerId);
  return {
    type: 'Initialize',
    player: { playerId, matchId: 'm1', teamId: player?.teamId ?? null, position: player?.position ?? null },
    initialPriceCents,
    at,
  };
}

export interface Run {
  state: PricingState;
  events: PricingEvent[];
  ticks: PriceTick[];
}

/** Folds commands through decide/evolve; a rejection fails loudly (specs expecting one call decide directly). */
export function run(decider: PricingDecider, commands: readonly PricingCommand[], from: PricingState = decider.initialState()): Run {
  let state = from;
  const events: PricingEvent[] = [];
  for (const command of commands) {
    const decision = decider.decide(command, state);
    if (isRejection(decision)) throw new Error(`${command.type} rejected: ${decision.rejected} ${decision.detail}`);
    for (const event of decision) {
      state = decider.evolve(state, event);
      events.push(event);
    }
  }
  return { state, events, ticks: ticksOf(events) };
}

export function priceOf(state: PricingState): number {
  if (state.status !== 'pricing') throw new Error('player not initialized');
  return state.priceCents;
}
