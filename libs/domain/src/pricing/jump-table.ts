// How much a match event moves a player's price, in basis points, by the role
// the player has in the event. A role missing from an entry means the event
// does not concern that player (no tick, no lock); 0 means a tick that only locks.
import type { MatchEventType } from '@inplay/contracts';

/**
 * subject: the event's playerId (scorer, carded player, shooter, keeper making a save, player coming on).
 * related: the event's relatedPlayerId (assister on a GOAL, player replaced...).
 * keeper:  the goalkeeper conceding a GOAL, PENALTY_SCORED or OWN_GOAL (see rolesFor).
 * match:   every player of the match for match-wide events (KICK_OFF, HALF_TIME, FULL_TIME).
 */
export type EventRole = 'subject' | 'related' | 'keeper';
export type PlayerRole = EventRole | 'match';

export type RoleJumpsBp = Partial<Record<EventRole, number>>;
export type JumpTable = Record<MatchEventType, RoleJumpsBp>;

/** Assists arrive encoded in GOAL (relatedPlayerId); ASSIST is kept for feeds that send it on its own. */
export const DEFAULT_JUMP_TABLE: JumpTable = {
  KICK_OFF: {},
  HALF_TIME: {},
  FULL_TIME: {},
  GOAL: { subject: 1500, related: 600, keeper: -500 },
  OWN_GOAL: { subject: -1200, keeper: -300 },
  PENALTY_WON: { subject: 300 },
  PENALTY_SCORED: { subject: 1200, keeper: -400 },
  PENALTY_MISSED: { subject: -800 },
  ASSIST: { subject: 600 },
  SHOT_ON_TARGET: { subject: 150 },
  SHOT_OFF_TARGET: { subject: -50 },
  SAVE: { subject: 200 },
  BIG_CHANCE: { subject: 100 },
  YELLOW_CARD: { subject: -300 },
  RED_CARD: { subject: -2000 },
  SUBSTITUTION_ON: { subject: 100 },
  SUBSTITUTION_OFF: { subject: -100 },
  INJURY: { subject: -700 },
};

export function jumpBpFor(table: JumpTable, type: MatchEventType, role: EventRole): number | undefined {
  return table[type][role];
}
