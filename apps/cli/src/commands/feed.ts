// `inplay feed replay|synthetic`: put a recorded match or synthetic load on match.events.
import { replayStatsBombMatch, runSynthetic, formatReplaySummary } from '@inplay/feed-ingest';
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

export async function feedReplay(options: { speed?: string; lagMs?: string; jitterMs?: string; matchId?: string }): Promise<void> {
  const handle = replayStatsBombMatch({
    infra: infraOf(),
    speed: positive('speed', options.speed, 10, 1_000),
    ...(options.lagMs !== undefined ? { lagMs: intOption('lag-ms', options.lagMs, { min: 0, max: 600_000 })! } : {}),
    ...(options.jitterMs !== undefined ? { lagJitterMs: intOption('jitter-ms', options.jitterMs, { min: 0, max: 600_000 })! } : {}),
    ...(options.matchId ? { matchId: options.matchId } : {}),
  });
  process.once('SIGINT', () => handle.stop());
  console.log(formatReplaySummary(await handle.done));
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
