// Synthetic load: N matches x M players from a seed (Poisson event rates from
// libs/domain), rosters registered first, then produced through the outbox at
// a target rate (events/s) or as fast as possible. Used by `inplay bench pricing`.
// Times are compressed to the rate: occurredAt is the paced due time, ingestedAt
// when it was sent, so the stream keeps the generator's order and mix.
import type { MatchEvent, MatchEventType } from '@inplay/contracts';
import {
  DEFAULT_SYNTHETIC_RATES_PER_HOUR, SYNTHETIC_PROVIDER, SYNTHETIC_RUN_ID_PATTERN, generateSyntheticMatches, paceDueAt, scopeSyntheticMatches,
} from '@inplay/domain';
import { connectFeedAdapters, type FeedAdapters } from './adapters';
import { systemClock, type Clock } from './clock';
import { registerMatch } from './match-registry';
import { OUTBOX_BATCH_MAX, createFeedOutbox } from './outbox';
import type { InfraSettings } from './settings';

export const SYNTHETIC_MAX_RATE_PER_SECOND = 100_000;
export const SYNTHETIC_DEFAULT_DURATION_MS = 90 * 60_000;
/** Records per produce request when pacing at a rate: small enough to keep the pace smooth. */
const PACED_BATCH_MAX = 100;

export interface SyntheticOptions {
  adapters?: FeedAdapters;
  infra?: InfraSettings;
  seed: number;
  matches: number;
  playersPerTeam: number;
  /** Target events per second; undefined = as fast as possible. */
  ratePerSecond?: number;
  durationMs?: number;
  ratesPerHour?: Partial<Record<MatchEventType, number>>;
  /** Prefixed to every id so runs do not dedupe each other; default r<epoch ms base36>. */
  runId?: string;
  clock?: Clock;
  signal?: AbortSignal;
}

export interface SyntheticSummary {
  runId: string;
  matchIds: string[];
  players: number;
  produced: number;
  duplicates: number;
  producedByType: Record<string, number>;
  elapsedMs: number;
  eventsPerSecond: number;
  stopped: boolean;
}

export async function runSynthetic(options: SyntheticOptions): Promise<SyntheticSummary> {
  if (options.ratePerSecond !== undefined && !(options.ratePerSecond > 0 && options.ratePerSecond <= SYNTHETIC_MAX_RATE_PER_SECOND)) {
    throw new Error(`ratePerSecond must be in (0, ${SYNTHETIC_MAX_RATE_PER_SECOND}], got ${options.ratePerSecond}`);
  }
  const clock = options.clock ?? systemClock;
  const runId = options.runId ?? `r${clock.now().toString(36)}`;
  if (!SYNTHETIC_RUN_ID_PATTERN.test(runId)) throw new Error(`runId must match ${SYNTHETIC_RUN_ID_PATTERN}, got ${JSON.stringify(runId)}`);
  const startAt = clock.now();
  const generated = generateSyntheticMatches({
    seed: options.seed,
    matches: options.matches,
    playersPerTeam: options.playersPerTeam,
    durationMs: options.durationMs ?? SYNTHETIC_DEFAULT_DURATION_MS,
    ratesPerHour: options.ratesPerHour ?? DEFAULT_SYNTHETIC_RATES_PER_HOUR,
    kickOffAt: startAt,
  });
  if (!generated.ok) throw new Error(`invalid synthetic options: ${generated.errors.join('; ')}`);
  const { events: drafts, rosters } = scopeSyntheticMatches(generated, runId);

  const adapters = options.adapters ?? (options.infra ? await connectFeedAdapters(options.infra) : undefined);
  if (!adapters) throw new Error('runSynthetic needs adapters or infra settings');
  try {
    for (const roster of rosters) await registerMatch(adapters.pool, roster, { provider: SYNTHETIC_PROVIDER, kickOffAt: startAt });
    const outbox = createFeedOutbox(adapters.pool, adapters.sender, adapters.metrics);
    const summary: SyntheticSummary = {
      runId, matchIds: rosters.map((r) => r.matchId), players: rosters.reduce((n, r) => n + r.players.length, 0),
      produced: 0, duplicates: 0, producedByType: {}, elapsedMs: 0, eventsPerSecond: 0, stopped: false,
    };
    const batchMax = options.ratePerSecond === undefined ? OUTBOX_BATCH_MAX : PACED_BATCH_MAX;
    const sendStartAt = clock.now();
    let next = 0;
    while (next < drafts.length) {
      if (options.signal?.aborted) {
        summary.stopped = true;
        break;
      }
      if (options.ratePerSecond !== undefined) await clock.sleepUntil(paceDueAt(next, sendStartAt, options.ratePerSecond), options.signal);
      const nowMs = clock.now();
      const batch: MatchEvent[] = [];
      while (next < drafts.length && batch.length < batchMax) {
        const occurredAt = options.ratePerSecond === undefined ? nowMs : paceDueAt(next, sendStartAt, options.ratePerSecond);
        if (occurredAt > nowMs) break;
        const draft = drafts[next++];
        if (draft) batch.push({ ...draft, occurredAt, ingestedAt: nowMs });
      }
      const result = await outbox.publish(batch, 'synthetic');
      summary.produced += result.produced.length;
      summary.duplicates += result.duplicates;
      for (const e of result.produced) summary.producedByType[e.type] = (summary.producedByType[e.type] ?? 0) + 1;
    }
    summary.elapsedMs = clock.now() - sendStartAt;
    summary.eventsPerSecond = summary.elapsedMs > 0 ? Math.round((summary.produced * 1_000) / summary.elapsedMs) : summary.produced;
    adapters.logger.info({ ...summary, matchIds: summary.matchIds.length }, 'synthetic run finished');
    return summary;
  } finally {
    if (!options.adapters) await adapters.close();
  }
}
