// The leaderboard process: read config, check the migrations (applying them as the owner), fold history, rank every
// second, serve /metrics and /health; stop cleanly on SIGTERM/SIGINT.
import { ensureMigrated } from '@inplay/db';
import { createLogger, startMetricsServer } from '@inplay/telemetry';
import { startLeaderboard } from './leaderboard';
import { createLeaderboardMetrics } from './metrics';
import { loadLeaderboardSettings } from './settings';

const settings = loadLeaderboardSettings();
const logger = createLogger('leaderboard', settings.logLevel);
await ensureMigrated(settings.databaseUrl);
const metrics = createLeaderboardMetrics();
const leaderboard = await startLeaderboard({ ...settings, logger, metrics });
const metricsServer = await startMetricsServer(metrics.registry, settings.metricsPort, settings.metricsHost);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    metricsServer.close();
    leaderboard.stop().then(() => process.exit(0), (err: Error) => { logger.error({ err }, 'stop failed'); process.exit(1); });
  });
}
