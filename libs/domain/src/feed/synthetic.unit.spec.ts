import { describe, expect, it } from 'vitest';
import type { MatchEventType } from '@inplay/contracts';
import type { MatchEventDraft } from '../match/match-event';
import { DEFAULT_SYNTHETIC_RATES_PER_HOUR, SYNTHETIC_LIMITS, generateSyntheticMatches, type SyntheticMatchesOptions } from './synthetic';

const NINETY_MINUTES_MS = 90 * 60_000;
const options: SyntheticMatchesOptions = {
  seed: 7,
  matches: 40,
  playersPerTeam: 16,
  durationMs: NINETY_MINUTES_MS,
  ratesPerHour: DEFAULT_SYNTHETIC_RATES_PER_HOUR,
  kickOffAt: 1_700_000_000_000,
};

function generated(overrides: Partial<SyntheticMatchesOptions> = {}) {
  const result = generateSyntheticMatches({ ...options, ...overrides });
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result;
}

const countOf = (events: readonly MatchEventDraft[], type: MatchEventType) => events.filter((e) => e.type === type).length;

describe('synthetic matches', () => {
  it('gives the same stream for the same seed', () => {
    expect(generated()).toEqual(generated());
  });

  it('gives a different stream for a different seed', () => {
    expect(generated({ seed: 8 }).events).not.toEqual(generated().events);
  });

  it('keeps match i the same whatever the number of matches', () => {
    const first = generated({ matches: 1 }).events;
    expect(generated({ matches: 3 }).events.filter((e) => e.matchId === 'syn-m0')).toEqual(first);
  });

  it('sorts the stream by occurredAt and gives unique event ids', () => {
    const { events } = generated();
    events.forEach((e, i) => i > 0 && expect(e.occurredAt).toBeGreaterThanOrEqual(events[i - 1]!.occurredAt));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('draws each type near its expected count (within 5 standard deviations)', () => {
    const { events } = generated();
    const matchHours = (options.matches * NINETY_MINUTES_MS) / 3_600_000;
    for (const type of ['GOAL', 'SHOT_ON_TARGET', 'SHOT_OFF_TARGET', 'YELLOW_CARD', 'SAVE'] as const) {
      const expected = DEFAULT_SYNTHETIC_RATES_PER_HOUR[type] * matchHours;
      expect(Math.abs(countOf(events, type) - expected), type).toBeLessThan(5 * Math.sqrt(expected));
    }
  });

  it('schedules kick-off, half-time, second-half kick-off and full-time in every match', () => {
    const { events } = generated({ matches: 2 });
    for (const matchId of ['syn-m0', 'syn-m1']) {
      const scheduled = events.filter((e) => e.matchId === matchId && ['KICK_OFF', 'HALF_TIME', 'FULL_TIME'].includes(e.type));
      expect(scheduled.map((e) => [e.type, e.period, e.occurredAt - options.kickOffAt])).toEqual([
        ['KICK_OFF', 1, 0], ['HALF_TIME', 1, NINETY_MINUTES_MS / 2], ['KICK_OFF', 2, NINETY_MINUTES_MS / 2], ['FULL_TIME', 2, NINETY_MINUTES_MS],
      ]);
    }
  });

  it('keeps every score equal to the goals so far, own goals counting for the other side', () => {
    const { events, rosters } = generated({ ratesPerHour: { ...DEFAULT_SYNTHETIC_RATES_PER_HOUR, OWN_GOAL: 2, PENALTY_SCORED: 2 } });
    for (const roster of rosters) {
      let home = 0;
      let away = 0;
      for (const e of events.filter((x) => x.matchId === roster.matchId)) {
        const scorer = e.type === 'OWN_GOAL' ? (e.teamId === roster.homeTeamId ? roster.awayTeamId : roster.homeTeamId)
          : e.type === 'GOAL' || e.type === 'PENALTY_SCORED' ? e.teamId : null;
        if (scorer === roster.homeTeamId) home++;
        if (scorer === roster.awayTeamId) away++;
        expect([e.homeScore, e.awayScore]).toEqual([home, away]);
      }
    }
  });

  it('builds a roster with synthetic ids, one keeper per team, and events only about its players', () => {
    const { events, rosters } = generated({ matches: 2, playersPerTeam: 11 });
    expect(rosters[1]!.players.map((p) => p.playerId).slice(0, 2)).toEqual(['syn-m1-p0', 'syn-m1-p1']);
    for (const roster of rosters) {
      expect(roster.players).toHaveLength(22);
      expect(roster.players.filter((p) => p.position === 'GK').map((p) => p.teamId)).toEqual([roster.homeTeamId, roster.awayTeamId]);
      const ids = new Set(roster.players.map((p) => p.playerId));
      for (const e of events.filter((x) => x.matchId === roster.matchId)) {
        if (e.playerId !== null) expect(ids.has(e.playerId)).toBe(true);
        if (e.relatedPlayerId !== null) expect(ids.has(e.relatedPlayerId)).toBe(true);
      }
    }
  });

  it('makes a keeper the subject of every save', () => {
    const { events, rosters } = generated({ matches: 3 });
    const keepers = new Set(rosters.flatMap((r) => r.players.filter((p) => p.position === 'GK').map((p) => p.playerId)));
    expect(events.filter((e) => e.type === 'SAVE').every((e) => e.playerId !== null && keepers.has(e.playerId))).toBe(true);
  });

  it('refuses options beyond its limits, as values', () => {
    const result = generateSyntheticMatches({ ...options, matches: SYNTHETIC_LIMITS.maxMatches + 1, playersPerTeam: 1 });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toHaveLength(2);
    const flood = generateSyntheticMatches({ ...options, ratesPerHour: { SHOT_ON_TARGET: SYNTHETIC_LIMITS.maxRatePerHour }, matches: 1_000 });
    expect(flood.ok ? [] : flood.errors).toEqual([expect.stringContaining('events expected')]);
  });
});
