// The leaderboard's configuration, read once from the environment and validated.
import { infraHints, infraShape, loadConfig, port, positiveInt, postgresUrl, serviceInfra } from '@inplay/config';
import { DEFAULT_TOP_ENTRIES } from '@inplay/domain';
import { DEFAULT_RECOMPUTE_MS } from './leaderboard';
import { DEFAULT_LEADERBOARD_METRICS_PORT } from './metrics';

const shape = {
  ...infraShape,
  DATABASE_URL: postgresUrl,
  LEADERBOARD_RECOMPUTE_MS: positiveInt.max(1_000).default(DEFAULT_RECOMPUTE_MS),
  LEADERBOARD_TOP_ENTRIES: positiveInt.max(1_000).default(DEFAULT_TOP_ENTRIES),
  METRICS_PORT: port.default(DEFAULT_LEADERBOARD_METRICS_PORT),
};

export function loadLeaderboardSettings(env: Record<string, string | undefined> = process.env) {
  const raw = loadConfig(shape, env, {
    ...infraHints,
    DATABASE_URL: 'Users, players and the leaderboard_snapshots table',
    LEADERBOARD_RECOMPUTE_MS: 'Boards are re-ranked this often (at most 1000: at least once a second)',
    LEADERBOARD_TOP_ENTRIES: 'Entries per published snapshot (1..1000)',
    METRICS_PORT: 'A free TCP port for /metrics and /health',
  });
  return {
    ...serviceInfra(raw), recomputeMs: raw.LEADERBOARD_RECOMPUTE_MS, topEntries: raw.LEADERBOARD_TOP_ENTRIES, metricsPort: raw.METRICS_PORT,
  };
}
