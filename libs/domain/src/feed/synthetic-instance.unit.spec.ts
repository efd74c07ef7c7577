import { describe, expect, it } from 'vitest';
import { generateSyntheticMatches } from './synthetic';
import { scopeSyntheticMatches } from './synthetic-instance';
import { CONCEDING_KEEPER_ATTRIBUTE } from '../match/match-event';

describe('synthetic run instances', () => {
  const generated = generateSyntheticMatches({ seed: 7, matches: 2, playersPerTeam: 11, durationMs: 5_400_000, ratesPerHour: { GOAL: 20, SAVE: 10 }, kickOffAt: 0 });
  if (!generated.ok) throw new Error(generated.errors.join());

  it('prefixes every match, team, player and event id with the run id so two runs never dedupe each other', () => {
    const scoped = scopeSyntheticMatches(generated, 'r1');
    const playerIds = new Set(scoped.rosters.flatMap((r) => r.players.map((p) => p.playerId)));
    const matchIds = new Set(scoped.rosters.map((r) => r.matchId));
    expect([...matchIds]).toEqual(['r1-syn-m0', 'r1-syn-m1']);
    for (const e of scoped.events) {
      expect(matchIds.has(e.matchId)).toBe(true);
      expect(e.eventId).toBe(`synthetic:${e.matchId}:${e.providerEventId}`);
      for (const id of [e.playerId, e.relatedPlayerId, e.attributes[CONCEDING_KEEPER_ATTRIBUTE]]) if (id != null) expect(playerIds.has(id)).toBe(true);
    }
    const other = scopeSyntheticMatches(generated, 'r2');
    expect(other.events.some((e) => scoped.events.some((s) => s.eventId === e.eventId))).toBe(false);
  });
});
