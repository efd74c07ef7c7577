// `inplay feed replay|synthetic`: put a recorded match or synthetic load on match.events.
import { replayStatsBombMatch, runSynthetic, formatReplaySummary, statsBombSourceInDir, DEMO_STATSBOMB_SOURCE, type StatsBombSource } from '@inplay/feed-ingest';
import { progress } from '@inplay/infra';
import { createLogger } from '@inplay/telemetry';
import { intOption } from '../options';
import { loadSettings } from '../settings';
import { runningEndpoints } from '../endpoints';

function infraOf(): { kafkaBrokers: string[]; schemaRegistryUrl: string; databaseUrl: string; topicPrefix: string } {
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  return { kafkaBrokers: e.kafkaBrokers, schemaRegistryUrl: e.schemaRegistryUrl, databaseUrl: e.databaseUrl, topicPrefix: settings.TOPIC_PREFIX };
}

function positive(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`--${name} must be a number in (0, ${max}], got ${JSON.stringify(value)}`);
  return n;
}

export interface FeedReplayOptions {
  speed?: string;
  lagMs?: string;
  jitterMs?: string;
  matchId?: string;
  events?: string;
  lineups?: string;
  matches?: string;
  statsbombDir?: string;
  match?: string;
}

/** Which files to replay: --statsbomb-dir + --match for the open-data layout, --events/--lineups/--matches for files anywhere (these win). */
export async function replaySource(o: FeedReplayOptions): Promise<StatsBombSource> {
  if ((o.statsbombDir === undefined) !== (o.match === undefined)) throw new Error('--statsbomb-dir and --match go together: the open-data folder and the StatsBomb match id in it');
  if ((o.events === undefined) !== (o.lineups === undefined) && o.statsbombDir === undefined) throw new Error('--events and --lineups go together (or add --statsbomb-dir DIR --match ID for the one not given)');
  if (o.matches !== undefined && o.events === undefined && o.statsbombDir === undefined) throw new Error('--matches needs the match\'s files: --events FILE --lineups FILE, or --statsbomb-dir DIR --match ID');
  const base = o.statsbombDir !== undefined && o.match !== undefined ? await statsBombSourceInDir(o.statsbombDir, o.match) : o.events === undefined ? DEMO_STATSBOMB_SOURCE : undefined;
  const matchesFile = o.matches ?? base?.matchesFile;
  const providerMatchId = o.match ?? (o.events === undefined ? base?.providerMatchId : undefined);
  return {
    eventsFile: o.events ?? base!.eventsFile,
    lineupsFile: o.lineups ?? base!.lineupsFile,
    ...(matchesFile ? { matchesFile } : {}),
    ...(providerMatchId ? { providerMatchId } : {}),
  };
}

export async function feedReplay(options: FeedReplayOptions): Promise<void> {
  const source = await replaySource(options);
  const bar = progress('Replaying');
  const handle = replayStatsBombMatch({
    infra: infraOf(),
    source,
    // The console shows progress and the summary; the service's own log lines only when something is wrong.
    logger: createLogger('feed-replay', process.env['LOG_LEVEL'] ?? 'warn'),
    onProgress: (p) => bar.update(`${p.produced}/${p.due} events, ${matchMinute(p.period, p.matchClockMs)}`),
    speed: positive('speed', options.speed, 10, 1_000),
    ...(options.lagMs !== undefined ? { lagMs: intOption('lag-ms', options.lagMs, { min: 0, max: 600_000 })! } : {}),
    ...(options.jitterMs !== undefined ? { lagJitterMs: intOption('jitter-ms', options.jitterMs, { min: 0, max: 600_000 })! } : {}),
    ...(options.matchId ? { matchId: options.matchId } : {}),
  });
  process.once('SIGINT', () => handle.stop());
  const summary = await handle.done.finally(() => bar.done());
  console.log(formatReplaySummary(summary));
}

/** The match minute as a fan says it (57'), from the clock within the period. */
function matchMinute(period: number, matchClockMs: number): string {
  const periodStartMinute = [0, 45, 90, 105, 120][period - 1] ?? 0;
  return `${periodStartMinute + Math.floor(matchClockMs / 60_000)}'`;
}

export async function feedSynthetic(options: { matches?: string; players?: string; seed?: string; rate?: string; durationS?: string }): Promise<void> {
  const summary = await runSynthetic({
    infra: infraOf(),
    seed: positive('seed', options.seed, 1, Number.MAX_SAFE_INTEGER),
    matches: positive('matches', options.matches, 10, 1_000),
    playersPerTeam: positive('players', options.players, 11, 30),
    ...(options.rate ? { ratePerSecond: positive('rate', options.rate, 1_000, 100_000) } : {}),
    ...(options.durationS ? { durationMs: positive('duration-s', options.durationS, 60, 86_400) * 1000 } : {}),
  });
  console.log(JSON.stringify(summary, null, 2));
}
