// Replay of a recorded StatsBomb match onto match.events, as a live feed would
// deliver it: the roster first, then each event when the (injected) clock
// reaches its ingestedAt (match time / speed + feed lag). Re-running the same
// match instance resumes it: seen events are skipped at once, pending ones resent.
import type { MatchEvent } from '@inplay/contracts';
import {
  DEFAULT_FEED_LAG_JITTER_MS, DEFAULT_FEED_LAG_MS, createRandom, mapStatsBombEvents, rngStateFromSeed, rosterFromLineups,
  scheduleReplay, scopeEventIdToMatch, seedFromText, validateReplayTiming,
} from '@inplay/domain';
import { connectFeedAdapters, type FeedAdapters } from './adapters';
import { systemClock, type Clock } from './clock';
import { registerMatch } from './match-registry';
import { OUTBOX_BATCH_MAX, createFeedOutbox } from './outbox';
import type { InfraSettings } from './settings';
import type { Logger } from '@inplay/telemetry';
import { DEMO_STATSBOMB_SOURCE, loadStatsBombMatch, type StatsBombSource } from './statsbomb-files';

export const STATSBOMB_PROVIDER = 'statsbomb';

export interface ReplayOptions {
  /** Shared adapters (closed by the caller); else built from `infra` and closed at the end. */
  adapters?: FeedAdapters;
  infra?: InfraSettings;
  /** The logger of adapters built from `infra` (default: feed-ingest's, at info). */
  logger?: Logger;
  /** The match's files; default the demo match shipped in data/statsbomb. */
  source?: StatsBombSource;
  /** Our match instance id; default statsbomb-<providerMatchId>-<kick-off yyyyMMddHHmm UTC>. */
  matchId?: string;
  speed: number;
  lagMs?: number;
  lagJitterMs?: number;
  /** Seed of the lag jitter; default derived from the match id. */
  seed?: number;
  clock?: Clock;
  /** Called after each batch produced: events produced of those due, and the match clock reached. */
  onProgress?: (p: { produced: number; due: number; period: number; matchClockMs: number }) => void;
}

export interface ReplaySummary {
  matchId: string;
  kickOffAt: number;
  /** Events produced now, by type. */
  producedByType: Record<string, number>;
  produced: number;
  /** Seen before (an earlier run of this instance), not produced again. */
  duplicates: number;
  /** Pending rows of an interrupted run, sent again at start. */
  resentPending: number;
  /** Provider event types that map to nothing, with counts. */
  ignoredProviderTypes: Record<string, number>;
  unreadable: number;
  stopped: boolean;
}

export interface ReplayHandle {
  done: Promise<ReplaySummary>;
  /** Stops after the event being produced; `done` resolves with stopped = true. */
  stop(): void;
}

/** "yyyyMMddHHmm" in UTC. */
export function utcMinuteStamp(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

export function replayStatsBombMatch(options: ReplayOptions): ReplayHandle {
  const abort = new AbortController();
  const done = (async () => {
    const adapters = options.adapters ?? (options.infra ? await connectFeedAdapters(options.infra, options.logger ? { logger: options.logger } : {}) : undefined);
    if (!adapters) throw new Error('replayStatsBombMatch needs adapters or infra settings');
    try {
      return await runReplay(options, adapters, abort.signal);
    } finally {
      if (!options.adapters) await adapters.close();
    }
  })();
  return { done, stop: () => abort.abort() };
}

async function runReplay(options: ReplayOptions, adapters: FeedAdapters, signal: AbortSignal): Promise<ReplaySummary> {
  const clock = options.clock ?? systemClock;
  const { pool, sender, logger, metrics } = adapters;
  const replayStartAt = clock.now();
  const timing = { replayStartAt, speed: options.speed, lagMs: options.lagMs ?? DEFAULT_FEED_LAG_MS, lagJitterMs: options.lagJitterMs ?? DEFAULT_FEED_LAG_JITTER_MS };
  const invalid = validateReplayTiming(timing);
  if (invalid.length > 0) throw new Error(`invalid replay options: ${invalid.join('; ')}`);

  // Every file is read and checked before anything is written or produced.
  const raw = await loadStatsBombMatch(options.source ?? DEMO_STATSBOMB_SOURCE);
  const matchId = options.matchId ?? `${STATSBOMB_PROVIDER}-${raw.providerMatchId}-${utcMinuteStamp(replayStartAt)}`;

  // The roster goes in before the first event; an existing instance keeps its kick-off, so times stay consistent on resume.
  const roster = rosterFromLineups(raw.lineups, raw.events, { matchId, teams: raw.teams });
  const { kickOffAt } = await registerMatch(pool, roster, { provider: STATSBOMB_PROVIDER, kickOffAt: replayStartAt, teamNames: { home: raw.teams.homeTeamName, away: raw.teams.awayTeamName } });
  const outbox = createFeedOutbox(pool, sender, metrics);
  const resentPending = await outbox.resendPending({ matchId });

  const feed = mapStatsBombEvents(raw.events, { matchId, kickOffAt: 0, provider: STATSBOMB_PROVIDER, teams: raw.teams });
  const drafts = feed.events.map((d) => ({ ...d, eventId: scopeEventIdToMatch(d) }));
  const rng = createRandom(rngStateFromSeed(options.seed ?? seedFromText(matchId)));
  const scheduled = scheduleReplay(drafts, { ...timing, replayStartAt: kickOffAt }, rng);

  const { rows } = await pool.query<{ event_id: string }>('SELECT event_id FROM feed_events WHERE match_id = $1', [matchId]);
  const seen = new Set(rows.map((r) => r.event_id));
  const due = scheduled.filter((e) => !seen.has(e.eventId));
  logger.info({ matchId, kickOffAt, speed: timing.speed, lagMs: timing.lagMs, events: scheduled.length, alreadySeen: scheduled.length - due.length, resentPending }, 'replay starting');

  const summary: ReplaySummary = {
    matchId, kickOffAt, producedByType: {}, produced: 0, duplicates: scheduled.length - due.length, resentPending,
    ignoredProviderTypes: feed.ignored, unreadable: feed.unreadable.length, stopped: false,
  };
  let next = 0;
  while (next < due.length) {
    const first = due[next];
    if (first === undefined) break;
    await clock.sleepUntil(first.ingestedAt, signal);
    if (signal.aborted) {
      summary.stopped = true;
      break;
    }
    // Everything due by now goes in one batch (at high speed several events share a millisecond).
    const batch: MatchEvent[] = [];
    const nowMs = clock.now();
    while (next < due.length && batch.length < OUTBOX_BATCH_MAX && (due[next]?.ingestedAt ?? Infinity) <= nowMs) batch.push(due[next++] as MatchEvent);
    const result = await outbox.publish(batch, 'replay');
    summary.duplicates += result.duplicates;
    for (const e of result.produced) summary.producedByType[e.type] = (summary.producedByType[e.type] ?? 0) + 1;
    summary.produced += result.produced.length;
    const last = batch.at(-1);
    if (last) options.onProgress?.({ produced: next, due: due.length, period: last.period, matchClockMs: last.matchClockMs });
  }
  logger.info({ ...summary }, summary.stopped ? 'replay stopped' : 'replay finished');
  return summary;
}

/** A human-readable summary for the CLI and logs. */
export function formatReplaySummary(summary: ReplaySummary): string {
  const list = (counts: Record<string, number>): string =>
    Object.entries(counts).sort(([, a], [, b]) => b - a).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return [
    `match ${summary.matchId}${summary.stopped ? ' (stopped early)' : ''}`,
    `produced ${summary.produced}: ${list(summary.producedByType)}`,
    `already seen ${summary.duplicates}, resent pending ${summary.resentPending}, unreadable ${summary.unreadable}`,
    `provider types ignored: ${list(summary.ignoredProviderTypes)}`,
  ].join('\n');
}
