// Which players a match event concerns and in which role: the pricing app
// sends one ApplyMatchEvent command to each of them (keyed by playerId).
import type { MatchEvent } from '@inplay/contracts';
import { CONCEDING_KEEPER_ATTRIBUTE, MATCH_WIDE_EVENT_TYPES } from '../match/match-event';
import { keeperOf, opponentOf, type Roster } from '../match/roster';
import type { PlayerRole } from './jump-table';
import type { PricingCommand } from './pricing-decider';

export interface PlayerCommand {
  playerId: string;
  command: Extract<PricingCommand, { type: 'ApplyMatchEvent' }>;
}

export function rolesFor(event: MatchEvent, roster: Roster): PlayerCommand[] {
  const roles = new Map<string, PlayerRole>();
  const add = (playerId: string | null | undefined, role: PlayerRole): void => {
    if (playerId && !roles.has(playerId)) roles.set(playerId, role);
  };
  if (MATCH_WIDE_EVENT_TYPES.includes(event.type)) {
    if (event.matchId === roster.matchId) for (const player of roster.players) add(player.playerId, 'match');
  } else {
    add(event.playerId, 'subject');
    add(event.relatedPlayerId, 'related');
    add(concedingKeeperId(event, roster), 'keeper');
  }
  return [...roles].map(([playerId, role]) => ({ playerId, command: { type: 'ApplyMatchEvent', event, role } }));
}

/**
 * The keeper beaten by a GOAL or PENALTY_SCORED is the opponent's; by an
 * OWN_GOAL, the own goal scorer's team-mate (event.teamId is the team that
 * put the ball in its own net).
 */
export function concedingKeeperId(event: MatchEvent, roster: Roster): string | null {
  if (event.type !== 'GOAL' && event.type !== 'PENALTY_SCORED' && event.type !== 'OWN_GOAL') return null;
  const named = event.attributes[CONCEDING_KEEPER_ATTRIBUTE];
  if (named) return named;
  if (event.teamId === null) return null;
  const concedingTeamId = event.type === 'OWN_GOAL' ? event.teamId : opponentOf(roster, event.teamId);
  return concedingTeamId === null ? null : (keeperOf(roster, concedingTeamId)?.playerId ?? null);
}
