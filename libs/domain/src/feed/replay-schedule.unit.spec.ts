import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRandom, rngStateFromSeed } from '../random/seeded-random';
import type { MatchEventDraft } from '../match/match-event';
import { paceDueAt, scheduleReplay, scopeEventIdToMatch, validateReplayTiming, wallTimeOf, type ReplayTiming } from './replay-schedule';

const START = 1_700_000_000_000;
const draftAt = (offsetMs: number, n = 0): MatchEventDraft => ({
  eventId: `statsbomb:e${n}`, provider: 'statsbomb', providerEventId: `e${n}`, matchId: 'm1', type: 'SHOT_ON_TARGET',
  playerId: 'p1', relatedPlayerId: null, teamId: 't1', period: 1, matchClockMs: offsetMs, occurredAt: offsetMs,
  homeScore: 0, awayScore: 0, attributes: {},
});
const timing = (overrides: Partial<ReplayTiming> = {}): ReplayTiming => ({ replayStartAt: START, speed: 1, lagMs: 20_000, lagJitterMs: 0, ...overrides });
const rng = () => createRandom(rngStateFromSeed(42));

describe('replay schedule', () => {
  it('maps match time onto wall time divided by the speed', () => {
    expect(wallTimeOf(90 * 60_000, { replayStartAt: START, speed: 100 })).toBe(START + 54_000);
    expect(wallTimeOf(0, { replayStartAt: START, speed: 7 })).toBe(START);
  });

  it('adds the feed lag in wall-clock ms, not scaled by the speed', () => {
    const [event] = scheduleReplay([draftAt(60_000)], timing({ speed: 10, lagMs: 20_000 }), rng());
    expect([event?.occurredAt, event?.ingestedAt]).toEqual([START + 6_000, START + 26_000]);
  });

  it('keeps the feed order when jitter would deliver a later event first', () => {
    fc.assert(fc.property(fc.array(fc.nat(5_400_000), { maxLength: 60 }), fc.integer({ min: 0, max: 30_000 }), fc.integer(), (offsets, jitter, seed) => {
      const drafts = [...offsets].sort((a, b) => a - b).map((o, n) => draftAt(o, n));
      const events = scheduleReplay(drafts, timing({ speed: 50, lagJitterMs: jitter }), createRandom(rngStateFromSeed(seed)));
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        expect(e.ingestedAt).toBeGreaterThanOrEqual(e.occurredAt + 20_000);
        if (i > 0) expect(e.ingestedAt).toBeGreaterThanOrEqual(events[i - 1]!.ingestedAt);
      }
    }));
  });

  it('draws the same jitter for the same seed and keeps it within the bound', () => {
    const drafts = [0, 1_000, 2_000, 3_000].map((o, n) => draftAt(o * 100, n));
    const a = scheduleReplay(drafts, timing({ lagJitterMs: 5_000 }), rng());
    const b = scheduleReplay(drafts, timing({ lagJitterMs: 5_000 }), rng());
    expect(a).toEqual(b);
    const first = a[0]!;
    expect(first.ingestedAt - first.occurredAt).toBeLessThanOrEqual(25_000);
  });

  it('rejects a speed outside 1..1000 and negative lags, naming each', () => {
    expect(validateReplayTiming(timing({ speed: 0.5 }))).toEqual(['speed must be in 1..1000, got 0.5']);
    expect(validateReplayTiming(timing({ speed: 1001, lagMs: -1, lagJitterMs: 1.5 }))).toHaveLength(3);
    expect(validateReplayTiming(timing({ speed: 1000 }))).toEqual([]);
  });
});

describe('match instance event ids', () => {
  it('puts the match id between provider and provider event id and keeps suffixes', () => {
    expect(scopeEventIdToMatch({ provider: 'statsbomb', matchId: 'statsbomb-15986-202611241830', eventId: 'statsbomb:abc:on' }))
      .toBe('statsbomb:statsbomb-15986-202611241830:abc:on');
  });
});

describe('pacing at a target rate', () => {
  it('spaces records evenly at the rate per second', () => {
    expect([0, 1, 2, 250].map((n) => paceDueAt(n, START, 250))).toEqual([START, START + 4, START + 8, START + 1_000]);
  });
});
