// Replay feed adapter, pure half: StatsBomb Open Data events (already parsed
// JSON) -> MatchEventDrafts. feed-ingest stamps ingestedAt and publishes them
// to match.events. Every provider event either yields drafts or is counted in
// `ignored` under its type name: nothing is dropped silently.
import type { MatchEventType } from '@inplay/contracts';
import { CONCEDING_KEEPER_ATTRIBUTE, type MatchEventDraft } from '../match/match-event';
import { parsePeriodTimestampMs, periodStartsMs } from './statsbomb-clock';
import type { SbEvent } from './statsbomb-types';

/** A shot that did not score with at least this expected-goals value is also a BIG_CHANCE (Opta's "big chance" is roughly 0.3-0.4; 0.2 keeps the close misses). */
export const BIG_CHANCE_MIN_XG = 0.2;

export interface StatsBombFeedOptions {
  matchId: string;
  /** Epoch ms of the first kick-off; occurredAt is placed relative to it. */
  kickOffAt: number;
  provider?: string;
  /** Home and away, as the data states them (statsBombTeams). */
  teams: { homeTeamId: string; awayTeamId: string };
  bigChanceMinXg?: number;
}

export interface StatsBombFeed {
  events: MatchEventDraft[];
  /** Provider events that yielded nothing, by provider type name. */
  ignored: Record<string, number>;
  /** Provider events that yielded at least one draft. */
  mappedProviderEvents: number;
  /** Provider events that could not be read (bad timestamp), with why. */
  unreadable: { providerEventId: string; reason: string }[];
}

/** One draft about to be stamped with ids, times and the running score. */
interface Translation {
  suffix?: string;
  type: MatchEventType;
  playerId: string | null;
  relatedPlayerId?: string | null;
  teamId: string | null;
  attributes?: Record<string, string>;
}

const SAVE_KEEPER_TYPES = new Set(['Shot Saved', 'Penalty Saved', 'Shot Saved To Post', 'Save']);
const CONCEDED_KEEPER_TYPES = new Set(['Goal Conceded', 'Penalty Conceded']);
const ON_TARGET_OUTCOMES = new Set(['Saved', 'Saved To Post']);
const CARD_TYPES: Readonly<Record<string, MatchEventType>> = { 'Yellow Card': 'YELLOW_CARD', 'Second Yellow': 'RED_CARD', 'Red Card': 'RED_CARD' };

const idOf = (ref: { id: number } | undefined): string | null => (ref === undefined ? null : String(ref.id));

export function mapStatsBombEvents(events: readonly SbEvent[], options: StatsBombFeedOptions): StatsBombFeed {
  const provider = options.provider ?? 'statsbomb';
  const bigChanceMinXg = options.bigChanceMinXg ?? BIG_CHANCE_MIN_XG;
  const { homeTeamId, awayTeamId } = options.teams;
  const result: StatsBombFeed = { events: [], ignored: {}, mappedProviderEvents: 0, unreadable: [] };

  const timed: { event: SbEvent; clockMs: number }[] = [];
  const periodLengthsMs = new Map<number, number>();
  for (const event of events) {
    const clockMs = parsePeriodTimestampMs(event.timestamp);
    if (clockMs === null) {
      result.unreadable.push({ providerEventId: event.id, reason: `timestamp ${JSON.stringify(event.timestamp)} is not HH:MM:SS.mmm` });
      continue;
    }
    timed.push({ event, clockMs });
    periodLengthsMs.set(event.period, Math.max(periodLengthsMs.get(event.period) ?? 0, clockMs));
  }
  timed.sort((a, b) => a.event.period - b.event.period || a.clockMs - b.clockMs || a.event.index - b.event.index);
  const periodStarts = periodStartsMs(periodLengthsMs);
  const lastPeriod = Math.max(0, ...periodLengthsMs.keys());
  const byId = new Map(events.map((e) => [e.id, e]));
  const periodsOpened = new Set<number>();
  const periodsClosed = new Set<number>();
  let homeScore = 0;
  let awayScore = 0;

  for (const { event, clockMs } of timed) {
    const translations = translate(event, { byId, bigChanceMinXg, lastPeriod, periodsOpened, periodsClosed });
    if (translations.length === 0) {
      result.ignored[event.type.name] = (result.ignored[event.type.name] ?? 0) + 1;
      continue;
    }
    result.mappedProviderEvents += 1;
    for (const t of translations) {
      const scoringTeamId = t.type === 'OWN_GOAL' ? (t.teamId === homeTeamId ? awayTeamId : t.teamId === awayTeamId ? homeTeamId : null) : t.type === 'GOAL' || t.type === 'PENALTY_SCORED' ? t.teamId : null;
      if (scoringTeamId !== null) {
        if (scoringTeamId === homeTeamId) homeScore += 1;
        else awayScore += 1;
      }
      result.events.push({
        eventId: `${provider}:${event.id}${t.suffix ? `:${t.suffix}` : ''}`,
        provider,
        providerEventId: event.id,
        matchId: options.matchId,
        type: t.type,
        playerId: t.playerId,
        relatedPlayerId: t.relatedPlayerId ?? null,
        teamId: t.teamId,
        period: event.period,
        matchClockMs: clockMs,
        occurredAt: options.kickOffAt + (periodStarts.get(event.period) ?? 0) + clockMs,
        homeScore,
        awayScore,
        attributes: { providerType: event.type.name, minute: String(event.minute), ...t.attributes },
      });
    }
  }
  return result;
}

interface TranslateContext {
  byId: ReadonlyMap<string, SbEvent>;
  bigChanceMinXg: number;
  lastPeriod: number;
  periodsOpened: Set<number>;
  periodsClosed: Set<number>;
}

function translate(event: SbEvent, ctx: TranslateContext): Translation[] {
  const playerId = idOf(event.player);
  const teamId = idOf(event.team);
  switch (event.type.name) {
    case 'Half Start': // one per team: the first opens the period
      if (ctx.periodsOpened.has(event.period)) return [];
      ctx.periodsOpened.add(event.period);
      return [{ type: 'KICK_OFF', playerId: null, teamId: null }];
    case 'Half End':
      if (ctx.periodsClosed.has(event.period)) return [];
      ctx.periodsClosed.add(event.period);
      return [{ type: event.period === ctx.lastPeriod ? 'FULL_TIME' : 'HALF_TIME', playerId: null, teamId: null }];
    case 'Shot':
      return translateShot(event, ctx);
    case 'Goal Keeper': {
      const keeperType = event.goalkeeper?.type?.name ?? '';
      if (!SAVE_KEEPER_TYPES.has(keeperType) || playerId === null) return [];
      const shot = (event.related_events ?? []).map((id) => ctx.byId.get(id)).find((e) => e?.type.name === 'Shot');
      return [{ type: 'SAVE', playerId, relatedPlayerId: idOf(shot?.player), teamId, attributes: { keeperAction: keeperType } }];
    }
    case 'Own Goal Against': // the player who put it in his own net; "Own Goal For" is the same goal seen from the other side
      return playerId === null ? [] : [{ type: 'OWN_GOAL', playerId, teamId }];
    case 'Foul Committed':
    case 'Bad Behaviour': {
      const card = event.foul_committed?.card?.name ?? event.bad_behaviour?.card?.name;
      const type = card === undefined ? undefined : CARD_TYPES[card];
      return type === undefined || playerId === null ? [] : [{ type, playerId, teamId, attributes: { card: card ?? '' } }];
    }
    case 'Foul Won':
      return event.foul_won?.penalty && playerId !== null ? [{ type: 'PENALTY_WON', playerId, teamId }] : [];
    case 'Substitution': {
      const onId = idOf(event.substitution?.replacement);
      if (playerId === null || onId === null) return [];
      const attributes = { reason: event.substitution?.outcome?.name ?? '' };
      return [
        { type: 'SUBSTITUTION_OFF', playerId, relatedPlayerId: onId, teamId, attributes },
        { suffix: 'on', type: 'SUBSTITUTION_ON', playerId: onId, relatedPlayerId: playerId, teamId, attributes },
      ];
    }
    case 'Injury Stoppage':
      return playerId === null ? [] : [{ type: 'INJURY', playerId, teamId }];
    default:
      return [];
  }
}

function translateShot(event: SbEvent, ctx: TranslateContext): Translation[] {
  const shooterId = idOf(event.player);
  if (shooterId === null || event.shot === undefined) return [];
  const teamId = idOf(event.team);
  const outcome = event.shot.outcome?.name ?? '';
  const isPenalty = event.shot.type?.name === 'Penalty';
  const xg = event.shot.statsbomb_xg;
  const attributes: Record<string, string> = { outcome, shotType: event.shot.type?.name ?? '' };
  if (xg !== undefined) attributes.xg = xg.toFixed(4);

  if (outcome === 'Goal') {
    const keeper = (event.related_events ?? []).map((id) => ctx.byId.get(id))
      .find((e) => e?.type.name === 'Goal Keeper' && CONCEDED_KEEPER_TYPES.has(e.goalkeeper?.type?.name ?? ''));
    const keeperId = idOf(keeper?.player);
    if (keeperId !== null) attributes[CONCEDING_KEEPER_ATTRIBUTE] = keeperId;
    if (isPenalty) return [{ type: 'PENALTY_SCORED', playerId: shooterId, teamId, attributes }];
    const keyPass = event.shot.key_pass_id === undefined ? undefined : ctx.byId.get(event.shot.key_pass_id);
    const assisterId = keyPass?.pass?.goal_assist ? idOf(keyPass.player) : null;
    return [{ type: 'GOAL', playerId: shooterId, relatedPlayerId: assisterId, teamId, attributes }];
  }
  if (isPenalty) return [{ type: 'PENALTY_MISSED', playerId: shooterId, teamId, attributes }];
  const shot: Translation = { type: ON_TARGET_OUTCOMES.has(outcome) ? 'SHOT_ON_TARGET' : 'SHOT_OFF_TARGET', playerId: shooterId, teamId, attributes };
  const bigChance = xg !== undefined && xg >= ctx.bigChanceMinXg;
  return bigChance ? [shot, { suffix: 'big-chance', type: 'BIG_CHANCE', playerId: shooterId, teamId, attributes }] : [shot];
}
