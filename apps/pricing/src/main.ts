// The pricing process: read config, start the sequencer and the processor,
// serve metrics, and on SIGTERM/SIGINT stop the beat, commit the batches in
// flight, disconnect and exit 0. Any unexpected error exits 1.
import { ConfigError } from '@inplay/config';
import { createLogger, createMetrics, startMetricsServer } from '@inplay/telemetry';
import { startPricing } from './pricing';
import { loadPricingSettings, PricingConfigError } from './settings';

async function main(): Promise<void> {
  const settings = loadPricingSettings();
  const logger = createLogger('pricing', settings.logLevel);
  const metrics = createMetrics('pricing');
  const metricsServer = await startMetricsServer(metrics, settings.metricsPort, settings.metricsHost);
  const pricing = await startPricing({
    brokers: settings.brokers,
    kafkaSecurity: settings.kafkaSecurity,
    registryUrl: settings.registryUrl,
    ...(settings.registryAuth ? { registryAuth: settings.registryAuth } : {}),
    databaseUrl: settings.databaseUrl,
    topicPrefix: settings.topicPrefix,
    pricing: settings.pricing,
    tuning: settings.tuning,
    delivery: settings.delivery,
    stages: settings.stages,
    logger,
    metrics,
    onFatal: (err) => {
      logger.fatal({ err }, 'pricing crashed: exiting so a supervisor restarts it from the committed offsets');
      process.exit(1);
    },
  });
  logger.info({ metricsPort: settings.metricsPort }, 'pricing serving metrics');

  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'pricing stopping: finishing the batches in flight');
    pricing.stop().then(
      () => metricsServer.close(() => process.exit(0)),
      (err: unknown) => { logger.error({ err }, 'pricing did not stop cleanly'); process.exit(1); },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError || err instanceof PricingConfigError ? err.message : err);
  process.exit(1);
});
