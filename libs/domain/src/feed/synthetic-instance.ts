// One load run of synthetic matches as its own instance: the generator's ids
// (syn-m0, syn-m0-p3...) are the same for every run with the same seed, so a
// run id is prefixed to match, team, player and event ids. Without it a second
// bench run would be deduped away entirely.
import { CONCEDING_KEEPER_ATTRIBUTE, type MatchEventDraft } from '../match/match-event';
import type { Roster } from '../match/roster';

export const SYNTHETIC_RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function scopeSyntheticMatches(matches: { events: readonly MatchEventDraft[]; rosters: readonly Roster[] }, runId: string): { events: MatchEventDraft[]; rosters: Roster[] } {
  const scoped = (id: string): string => `${runId}-${id}`;
  const scopedOrNull = (id: string | null): string | null => (id === null ? null : scoped(id));
  const rosters = matches.rosters.map((roster) => ({
    ...roster,
    matchId: scoped(roster.matchId),
    homeTeamId: scoped(roster.homeTeamId),
    awayTeamId: scoped(roster.awayTeamId),
    players: roster.players.map((p) => ({ ...p, playerId: scoped(p.playerId), teamId: scoped(p.teamId) })),
  }));
  const events = matches.events.map((e) => {
    const keeperId = e.attributes[CONCEDING_KEEPER_ATTRIBUTE];
    return {
      ...e,
      eventId: `${e.provider}:${scoped(e.matchId)}:${e.providerEventId}`,
      matchId: scoped(e.matchId),
      playerId: scopedOrNull(e.playerId),
      relatedPlayerId: scopedOrNull(e.relatedPlayerId),
      teamId: scopedOrNull(e.teamId),
      attributes: keeperId === undefined ? e.attributes : { ...e.attributes, [CONCEDING_KEEPER_ATTRIBUTE]: scoped(keeperId) },
    };
  });
  return { events, rosters };
}
