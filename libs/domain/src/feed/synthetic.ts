// Synthetic matches for load runs: a deterministic stream of MatchEventDrafts
// from a seed. Each event type arrives as a Poisson process at its rate per
// hour (exponential gaps from the seeded generator); scores follow the goals.
// Synthetic GOALs carry their assister as relatedPlayerId, like the replay feed.
import type { MatchEventType } from '@inplay/contracts';
import { CONCEDING_KEEPER_ATTRIBUTE, MATCH_EVENT_TYPES, MATCH_WIDE_EVENT_TYPES, type MatchEventDraft } from '../match/match-event';
import { DEFAULT_INITIAL_PRICE_CENTS_BY_POSITION, type InitialPriceTable, type Position, type Roster, type RosterPlayer } from '../match/roster';
import { createRandom, rngStateFromSeed, seedFromText, type SeededRandom } from '../random/seeded-random';

export const SYNTHETIC_PROVIDER = 'synthetic';
const MS_PER_HOUR = 3_600_000;
/** Share of synthetic goals with an assist (roughly the real-world share). */
export const ASSISTED_GOAL_SHARE = 0.75;

export const SYNTHETIC_LIMITS = {
  maxMatches: 1_000,
  minPlayersPerTeam: 2, // a keeper and one outfield player
  maxPlayersPerTeam: 40,
  maxRatePerHour: 10_000,
  /** Bound on the expected size of the whole stream, so a typo cannot exhaust memory. */
  maxExpectedEvents: 5_000_000,
} as const;

/** Per-hour rates for one match, close to a real top-flight match. Match-wide types are scheduled, not drawn. */
export const DEFAULT_SYNTHETIC_RATES_PER_HOUR: Record<MatchEventType, number> = {
  KICK_OFF: 0, HALF_TIME: 0, FULL_TIME: 0,
  GOAL: 1.7, OWN_GOAL: 0.05, PENALTY_WON: 0.2, PENALTY_SCORED: 0.15, PENALTY_MISSED: 0.05,
  ASSIST: 0, // encoded in GOAL
  SHOT_ON_TARGET: 6, SHOT_OFF_TARGET: 10, SAVE: 4.5, BIG_CHANCE: 2.5,
  YELLOW_CARD: 2.7, RED_CARD: 0.1, SUBSTITUTION_ON: 4, SUBSTITUTION_OFF: 4, INJURY: 1,
};

export interface SyntheticMatchesOptions {
  seed: number;
  matches: number;
  playersPerTeam: number;
  durationMs: number;
  /** Missing types do not occur. */
  ratesPerHour: Partial<Record<MatchEventType, number>>;
  /** Every match kicks off at this epoch ms. */
  kickOffAt: number;
  initialPriceCentsByPosition?: InitialPriceTable;
}

export type SyntheticMatches = { ok: true; events: MatchEventDraft[]; rosters: Roster[] } | { ok: false; errors: string[] };

export function validateSyntheticOptions(options: SyntheticMatchesOptions): string[] {
  const errors: string[] = [];
  const { matches, playersPerTeam, durationMs } = options;
  if (!Number.isSafeInteger(options.seed)) errors.push(`seed must be an integer, got ${options.seed}`);
  if (!Number.isSafeInteger(options.kickOffAt)) errors.push(`kickOffAt must be integer epoch ms, got ${options.kickOffAt}`);
  if (!Number.isInteger(matches) || matches < 1 || matches > SYNTHETIC_LIMITS.maxMatches) errors.push(`matches must be in 1..${SYNTHETIC_LIMITS.maxMatches}, got ${matches}`);
  if (!Number.isInteger(playersPerTeam) || playersPerTeam < SYNTHETIC_LIMITS.minPlayersPerTeam || playersPerTeam > SYNTHETIC_LIMITS.maxPlayersPerTeam) {
    errors.push(`playersPerTeam must be in ${SYNTHETIC_LIMITS.minPlayersPerTeam}..${SYNTHETIC_LIMITS.maxPlayersPerTeam}, got ${playersPerTeam}`);
  }
  if (!Number.isSafeInteger(durationMs) || durationMs < 2) errors.push(`durationMs must be an integer >= 2, got ${durationMs}`);
  let totalRatePerHour = 0;
  for (const [type, rate] of Object.entries(options.ratesPerHour)) {
    if (rate === undefined) continue;
    if (!(rate >= 0 && rate <= SYNTHETIC_LIMITS.maxRatePerHour)) errors.push(`ratesPerHour.${type} must be in 0..${SYNTHETIC_LIMITS.maxRatePerHour}, got ${rate}`);
    else totalRatePerHour += rate;
  }
  const expectedEvents = (totalRatePerHour * durationMs * matches) / MS_PER_HOUR;
  if (expectedEvents > SYNTHETIC_LIMITS.maxExpectedEvents) {
    errors.push(`about ${Math.round(expectedEvents)} events expected, above the limit of ${SYNTHETIC_LIMITS.maxExpectedEvents}`);
  }
  return errors;
}

export function generateSyntheticMatches(options: SyntheticMatchesOptions): SyntheticMatches {
  const errors = validateSyntheticOptions(options);
  if (errors.length > 0) return { ok: false, errors };
  const rosters: Roster[] = [];
  const events: MatchEventDraft[] = [];
  for (let matchNo = 0; matchNo < options.matches; matchNo++) {
    const roster = syntheticRoster(matchNo, options.playersPerTeam, options.initialPriceCentsByPosition ?? DEFAULT_INITIAL_PRICE_CENTS_BY_POSITION);
    rosters.push(roster);
    // One generator per match: match i is the same whatever the number of matches.
    events.push(...syntheticMatchEvents(matchNo, roster, options, createRandom(rngStateFromSeed(seedFromText(`${options.seed}:m${matchNo}`)))));
  }
  events.sort((a, b) => a.occurredAt - b.occurredAt); // stable: match order, then event order within a match
  return { ok: true, events, rosters };
}

function positionAt(indexInTeam: number, playersPerTeam: number): Position {
  if (indexInTeam === 0) return 'GK';
  const share = (indexInTeam - 1) / Math.max(1, playersPerTeam - 1);
  return share < 0.4 ? 'DEF' : share < 0.8 ? 'MID' : 'FWD';
}

function syntheticRoster(matchNo: number, playersPerTeam: number, prices: InitialPriceTable): Roster {
  const teamIds = [`syn-m${matchNo}-home`, `syn-m${matchNo}-away`] as const;
  const players: RosterPlayer[] = [];
  for (let j = 0; j < playersPerTeam * 2; j++) {
    const teamIndex = j < playersPerTeam ? 0 : 1;
    const indexInTeam = j % playersPerTeam;
    const position = positionAt(indexInTeam, playersPerTeam);
    players.push({
      playerId: `syn-m${matchNo}-p${j}`,
      name: `Player ${j} of match ${matchNo}`,
      jersey: indexInTeam + 1,
      teamId: teamIds[teamIndex],
      teamName: teamIndex === 0 ? `Home ${matchNo}` : `Away ${matchNo}`,
      position,
      startingXi: indexInTeam < 11,
      initialPriceCents: prices[position],
    });
  }
  return { matchId: `syn-m${matchNo}`, homeTeamId: teamIds[0], awayTeamId: teamIds[1], players };
}

interface Arrival {
  offsetMs: number;
  type: MatchEventType;
  playerId: string | null;
  relatedPlayerId: string | null;
  teamId: string | null;
  attributes: Record<string, string>;
}

function syntheticMatchEvents(matchNo: number, roster: Roster, options: SyntheticMatchesOptions, rng: SeededRandom): MatchEventDraft[] {
  const halfMs = Math.floor(options.durationMs / 2);
  const scheduled: Arrival[] = [
    { offsetMs: 0, type: 'KICK_OFF', playerId: null, relatedPlayerId: null, teamId: null, attributes: { period: '1' } },
    { offsetMs: halfMs, type: 'HALF_TIME', playerId: null, relatedPlayerId: null, teamId: null, attributes: {} },
    { offsetMs: halfMs, type: 'KICK_OFF', playerId: null, relatedPlayerId: null, teamId: null, attributes: { period: '2' } },
    { offsetMs: options.durationMs, type: 'FULL_TIME', playerId: null, relatedPlayerId: null, teamId: null, attributes: {} },
  ];
  const drawn: Arrival[] = [];
  for (const type of MATCH_EVENT_TYPES) {
    const ratePerMs = (options.ratesPerHour[type] ?? 0) / MS_PER_HOUR;
    if (ratePerMs === 0 || MATCH_WIDE_EVENT_TYPES.includes(type)) continue;
    for (let t = exponentialGapMs(rng, ratePerMs); t < options.durationMs; t += exponentialGapMs(rng, ratePerMs)) {
      drawn.push({ offsetMs: Math.floor(t), ...involvedPlayers(type, roster, rng) });
    }
  }
  // Scheduled first, then a stable sort: an arrival at the very half-time instant belongs to period 2.
  const arrivals = [...scheduled, ...drawn].sort((a, b) => a.offsetMs - b.offsetMs);

  let homeScore = 0;
  let awayScore = 0;
  return arrivals.map((arrival, k) => {
    const scoringTeamId = arrival.type === 'OWN_GOAL' ? otherTeamId(roster, arrival.teamId) : arrival.type === 'GOAL' || arrival.type === 'PENALTY_SCORED' ? arrival.teamId : null;
    if (scoringTeamId === roster.homeTeamId) homeScore += 1;
    if (scoringTeamId === roster.awayTeamId) awayScore += 1;
    const period = arrival.offsetMs < halfMs || arrival.type === 'HALF_TIME' ? 1 : 2;
    const providerEventId = `m${matchNo}-e${k}`;
    return {
      eventId: `${SYNTHETIC_PROVIDER}:${providerEventId}`,
      provider: SYNTHETIC_PROVIDER,
      providerEventId,
      matchId: roster.matchId,
      type: arrival.type,
      playerId: arrival.playerId,
      relatedPlayerId: arrival.relatedPlayerId,
      teamId: arrival.teamId,
      period,
      matchClockMs: arrival.offsetMs - (period === 1 ? 0 : halfMs),
      occurredAt: options.kickOffAt + arrival.offsetMs,
      homeScore,
      awayScore,
      attributes: arrival.attributes,
    };
  });
}

/** Exponential inter-arrival time of a Poisson process; 1 - u keeps log away from 0. */
function exponentialGapMs(rng: SeededRandom, ratePerMs: number): number {
  return -Math.log(1 - rng.nextFloat()) / ratePerMs;
}

function otherTeamId(roster: Roster, teamId: string | null): string {
  return teamId === roster.homeTeamId ? roster.awayTeamId : roster.homeTeamId;
}

function involvedPlayers(type: MatchEventType, roster: Roster, rng: SeededRandom): Omit<Arrival, 'offsetMs'> {
  const teamId = rng.nextInt(2) === 0 ? roster.homeTeamId : roster.awayTeamId;
  const squad = roster.players.filter((p) => p.teamId === teamId);
  const keeper = squad.find((p) => p.position === 'GK');
  const outfield = squad.filter((p) => p.position !== 'GK');
  const pick = (from: readonly RosterPlayer[]): RosterPlayer | undefined => from[rng.nextInt(from.length)];
  const opponentKeeper = roster.players.find((p) => p.teamId === otherTeamId(roster, teamId) && p.position === 'GK');
  const subject = type === 'SAVE' ? keeper : pick(outfield);
  const base = { type, playerId: subject?.playerId ?? null, relatedPlayerId: null, teamId, attributes: {} };
  switch (type) {
    case 'GOAL':
    case 'PENALTY_SCORED': {
      const assisted = type === 'GOAL' && outfield.length > 1 && rng.nextFloat() < ASSISTED_GOAL_SHARE;
      const assister = assisted ? pick(outfield.filter((p) => p !== subject)) : undefined;
      return { ...base, relatedPlayerId: assister?.playerId ?? null, attributes: opponentKeeper ? { [CONCEDING_KEEPER_ATTRIBUTE]: opponentKeeper.playerId } : {} };
    }
    case 'SUBSTITUTION_ON':
    case 'SUBSTITUTION_OFF':
      return { ...base, relatedPlayerId: pick(squad.filter((p) => p !== subject))?.playerId ?? null };
    default:
      return base;
  }
}
