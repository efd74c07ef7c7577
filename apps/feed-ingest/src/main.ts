// feed-ingest service: config -> adapters -> metrics server -> webhook server
// (-> demo replay when FEED_DEMO_REPLAY=1). SIGTERM/SIGINT: stop accepting,
// finish in-flight requests, stop the replay, flush the producer, close the pool.
import { ConfigError } from '@inplay/config';
import { createLogger, startMetricsServer } from '@inplay/telemetry';
import { connectFeedAdapters } from './adapters';
import { createFeedMetrics } from './metrics';
import { formatReplaySummary, replayStatsBombMatch, type ReplayHandle } from './replay';
import { loadFeedSettings } from './settings';
import { DEMO_STATSBOMB_MATCH, DEMO_STATSBOMB_SOURCE, statsBombSourceInDir } from './statsbomb-files';
import { startWebhookServer } from './webhook';

let settings;
try {
  settings = loadFeedSettings();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`feed-ingest: ${err.message}`);
  process.exit(2);
}

const logger = createLogger('feed-ingest', settings.logLevel);
const metrics = createFeedMetrics();
const adapters = await connectFeedAdapters(settings.infra, { logger, metrics });
const metricsServer = await startMetricsServer(metrics.registry, settings.metricsPort, settings.metricsHost);
// A failed demo replay leaves the webhook serving but turns /health to 503 with the reason, so `inplay up` and `inplay status` say so.
let demoFailure: string | null = null;
const webhook = await startWebhookServer({ adapters, secret: settings.webhookSecret, port: settings.httpPort, health: () => ({ failed: demoFailure }) });

let replay: ReplayHandle | undefined;
if (settings.demoReplay) {
  const source = settings.dataDir ? await statsBombSourceInDir(settings.dataDir, settings.demoMatch ?? DEMO_STATSBOMB_MATCH) : DEMO_STATSBOMB_SOURCE;
  replay = replayStatsBombMatch({ adapters, speed: settings.demoSpeed, lagMs: settings.lagMs, lagJitterMs: settings.lagJitterMs, source });
  replay.done.then(
    (summary) => logger.info({ summary }, `demo replay done\n${formatReplaySummary(summary)}`),
    (err: Error) => {
      demoFailure = `demo replay failed: ${err.message}`;
      logger.error({ err }, demoFailure);
    },
  );
}

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, 'shutting down');
  replay?.stop();
  await webhook.close();
  await replay?.done.catch(() => undefined);
  await adapters.close();
  await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
