// The settlement process: read config, check the migrations (applying them as the owner), serve /metrics and /health,
// run until SIGTERM/SIGINT. Any unexpected error exits 1; a restart resumes
// from the offsets in Postgres.
import { ensureMigrated } from '@inplay/db';
import { loadConfig, port } from '@inplay/config';
import { createLogger, startMetricsServer } from '@inplay/telemetry';
import { startSettlement } from './settlement';
import { loadSettlementSettings } from './settings';
import { createSettlementMetrics, DEFAULT_SETTLEMENT_METRICS_PORT } from './metrics';

const settings = loadSettlementSettings();
const { METRICS_PORT } = loadConfig({ METRICS_PORT: port.default(DEFAULT_SETTLEMENT_METRICS_PORT) }, process.env, { METRICS_PORT: 'A free TCP port for /metrics and /health' });
const logger = createLogger('settlement', settings.logLevel);
await ensureMigrated(settings.databaseUrl);
const metrics = createSettlementMetrics(settings.strategy ?? 'atomic-guard');
const settlement = await startSettlement({
  ...settings, logger,
  onSettled: (batch, timing) => metrics.observe(batch, Date.now(), timing),
  onRetry: (err) => metrics.observeRetry(err),
  onRelayed: (rows) => metrics.observeRelayed(rows),
  onDependencyRetry: (worker, dependency) => metrics.observeDependencyRetry(worker, dependency),
  onDeadLetter: metrics.observeDeadLetter,
});
metrics.watchOutbox(() => settlement.outboxBacklog());
const metricsServer = await startMetricsServer(metrics.registry, METRICS_PORT, settings.metricsHost);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    metricsServer.close();
    settlement.stop().then(() => process.exit(0), (err: Error) => { logger.error({ err }, 'stop failed'); process.exit(1); });
  });
}
