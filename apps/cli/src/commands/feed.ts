// `inplay feed replay|synthetic`: put a recorded match or synthetic load on match.events.
import { replayStatsBombMatch, runSynthetic, formatReplaySummary, statsBombSourceInDir, DEMO_STATSBOMB_SOURCE, type StatsBombSource } from '@inplay/feed-ingest';
import { SYNTHETIC_LIMITS } from '@inplay/domain';
import { progress } from '@inplay/infra';
import { createLogger } from '@inplay/telemetry';
import { intOption, numberOption } from '../options';
import { loadSettings } from '../settings';
import { runningEndpoints } from '../endpoints';

function infraOf(): { kafkaBrokers: string[]; schemaRegistryUrl: string; databaseUrl: string; topicPrefix: string } {
  const settings = loadSettings();
  const e = runningEndpoints(settings);
  return { kafkaBrokers: e.kafkaBrokers, schemaRegistryUrl: e.schemaRegistryUrl, databaseUrl: e.databaseUrl, topicPrefix: settings.TOPIC_PREFIX };
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
  const speed = numberOption('speed', options.speed, { min: 0, max: 1_000, minExclusive: true }) ?? 10;
  const lagMs = intOption('lag-ms', options.lagMs, { min: 0, max: 600_000 });
  const lagJitterMs = intOption('jitter-ms', options.jitterMs, { min: 0, max: 600_000 });
  const source = await replaySource(options);
  const infra = infraOf();
  const bar = progress('Replaying');
  const handle = replayStatsBombMatch({
    infra,
    source,
    // The console shows progress and the summary; the service's own log lines only when something is wrong.
    logger: createLogger('feed-replay', process.env['LOG_LEVEL'] ?? 'warn'),
    onProgress: (p) => bar.update(`${p.produced}/${p.due} events, ${matchMinute(p.period, p.matchClockMs)}`),
    speed,
    ...(lagMs !== undefined ? { lagMs } : {}),
    ...(lagJitterMs !== undefined ? { lagJitterMs } : {}),
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
  // Counts and the seed are whole numbers (1.5 matches was taken, and refused later under the domain's names).
  const seed = intOption('seed', options.seed, { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? 1;
  const matches = intOption('matches', options.matches, { min: 1, max: 1_000 }) ?? 10;
  const playersPerTeam = intOption('players', options.players, { min: SYNTHETIC_LIMITS.minPlayersPerTeam, max: 30 }) ?? 11;
  const ratePerSecond = numberOption('rate', options.rate, { min: 0, max: 100_000, minExclusive: true });
  const durationS = intOption('duration-s', options.durationS, { min: 1, max: 86_400 });
  const summary = await runSynthetic({
    infra: infraOf(), seed, matches, playersPerTeam,
    ...(ratePerSecond !== undefined ? { ratePerSecond } : {}),
    ...(durationS !== undefined ? { durationMs: durationS * 1000 } : {}),
  });
  console.log(JSON.stringify(summary, null, 2));
}
