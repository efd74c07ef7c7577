// The match-event vocabulary the domain works with. The record types come from
// schemas/ via @inplay/contracts (type-only: the domain imports no values there).
import type { MatchEvent, MatchEventType } from '@inplay/contracts';

/** Every MatchEventType as a value, in schema order (a unit test keeps it equal to the contract). */
export const MATCH_EVENT_TYPES = [
  'KICK_OFF', 'HALF_TIME', 'FULL_TIME', 'GOAL', 'OWN_GOAL', 'PENALTY_WON', 'PENALTY_SCORED', 'PENALTY_MISSED',
  'ASSIST', 'SHOT_ON_TARGET', 'SHOT_OFF_TARGET', 'SAVE', 'BIG_CHANCE', 'YELLOW_CARD', 'RED_CARD',
  'SUBSTITUTION_ON', 'SUBSTITUTION_OFF', 'INJURY',
] as const satisfies readonly MatchEventType[];

/** Events about the whole match rather than a player. */
export const MATCH_WIDE_EVENT_TYPES: readonly MatchEventType[] = ['KICK_OFF', 'HALF_TIME', 'FULL_TIME'];

/** Types that put a ball in a net (own goals count for the other side). */
export const SCORING_EVENT_TYPES: readonly MatchEventType[] = ['GOAL', 'PENALTY_SCORED', 'OWN_GOAL'];

/** Attribute naming the keeper beaten by a goal, when the feed knows it (else pricing asks the roster). */
export const CONCEDING_KEEPER_ATTRIBUTE = 'concedingKeeperId';

/** A MatchEvent as a feed adapter produces it; feed-ingest stamps ingestedAt when it receives it. */
export type MatchEventDraft = Omit<MatchEvent, 'ingestedAt'>;

export function isMatchEventType(value: string): value is MatchEventType {
  return (MATCH_EVENT_TYPES as readonly string[]).includes(value);
}
