// Replay timing, pure: a recorded match's events (occurredAt as match offsets)
// mapped onto wall time at a chosen speed, then delayed by a feed lag so the
// replay behaves like a live provider. feed-ingest produces each event when
// its clock reaches ingestedAt.
import type { MatchEvent } from '@inplay/contracts';
import type { MatchEventDraft } from '../match/match-event';
import type { SeededRandom } from '../random/seeded-random';

export const REPLAY_LIMITS = {
  minSpeed: 1,
  maxSpeed: 1_000,
  /** A lag above ten minutes is a typo, not a feed. */
  maxLagMs: 600_000,
  maxLagJitterMs: 600_000,
} as const;

export const DEFAULT_FEED_LAG_MS = 20_000;
export const DEFAULT_FEED_LAG_JITTER_MS = 5_000;

export interface ReplayTiming {
  /** Wall-clock epoch ms the match's offset 0 (kick-off) maps to. */
  replayStartAt: number;
  /** Match time runs this many times faster than wall time (1..1000). */
  speed: number;
  /** Feed lag in wall-clock ms (not scaled by speed). */
  lagMs: number;
  /** Extra lag drawn uniformly in [0, lagJitterMs] per event (wall-clock ms). */
  lagJitterMs: number;
}

export function validateReplayTiming(timing: ReplayTiming): string[] {
  const errors: string[] = [];
  const { speed, lagMs, lagJitterMs } = timing;
  if (!Number.isSafeInteger(timing.replayStartAt)) errors.push(`replayStartAt must be integer epoch ms, got ${timing.replayStartAt}`);
  if (!(Number.isFinite(speed) && speed >= REPLAY_LIMITS.minSpeed && speed <= REPLAY_LIMITS.maxSpeed)) {
    errors.push(`speed must be in ${REPLAY_LIMITS.minSpeed}..${REPLAY_LIMITS.maxSpeed}, got ${speed}`);
  }
  if (!(Number.isInteger(lagMs) && lagMs >= 0 && lagMs <= REPLAY_LIMITS.maxLagMs)) errors.push(`lagMs must be an integer in 0..${REPLAY_LIMITS.maxLagMs}, got ${lagMs}`);
  if (!(Number.isInteger(lagJitterMs) && lagJitterMs >= 0 && lagJitterMs <= REPLAY_LIMITS.maxLagJitterMs)) {
    errors.push(`lagJitterMs must be an integer in 0..${REPLAY_LIMITS.maxLagJitterMs}, got ${lagJitterMs}`);
  }
  return errors;
}

/** Wall-clock time of a match offset: replayStartAt + matchOffsetMs / speed (whole ms). */
export function wallTimeOf(matchOffsetMs: number, timing: Pick<ReplayTiming, 'replayStartAt' | 'speed'>): number {
  return timing.replayStartAt + Math.round(matchOffsetMs / timing.speed);
}

/**
 * Drafts whose occurredAt is the offset from kick-off (ms, match time), in
 * feed order -> MatchEvents on wall time. ingestedAt = max(previous
 * ingestedAt, occurredAt + lag + jitter): a feed delivers in order, so a large
 * jitter on one event delays the ones behind it instead of reordering them.
 */
export function scheduleReplay(drafts: readonly MatchEventDraft[], timing: ReplayTiming, rng: SeededRandom): MatchEvent[] {
  let previousIngestedAt = Number.NEGATIVE_INFINITY;
  return drafts.map((draft) => {
    const occurredAt = wallTimeOf(draft.occurredAt, timing);
    const jitterMs = timing.lagJitterMs === 0 ? 0 : rng.nextInt(timing.lagJitterMs + 1);
    const ingestedAt = Math.max(previousIngestedAt, occurredAt + timing.lagMs + jitterMs);
    previousIngestedAt = ingestedAt;
    return { ...draft, occurredAt, ingestedAt };
  });
}

/**
 * Scopes an event id to one match instance: "statsbomb:123" with matchId m
 * becomes "statsbomb:m:123" (suffixes such as ":on" kept), so replaying the
 * same instance twice dedupes while a new demo instance is a new match.
 */
export function scopeEventIdToMatch(draft: Pick<MatchEventDraft, 'eventId' | 'provider' | 'matchId'>): string {
  const providerPrefix = `${draft.provider}:`;
  const local = draft.eventId.startsWith(providerPrefix) ? draft.eventId.slice(providerPrefix.length) : draft.eventId;
  return `${draft.provider}:${draft.matchId}:${local}`;
}

/** Due time of the n-th record (0-based) when producing at ratePerSecond from startAt. */
export function paceDueAt(index: number, startAt: number, ratePerSecond: number): number {
  return startAt + Math.floor((index * 1_000) / ratePerSecond);
}
