// The gateway process: read config, start (bootstrap from Kafka, then listen)
// with its HTTP modules (order intake, portfolio, leaderboard, the web page on
// the public port; admin on the internal one), and on SIGTERM/SIGINT close every socket with "going away,
// reconnect" and exit 0. One Kafka client, producer, feed and pool serve all.
import { ConfigError, loadFairnessSettings } from '@inplay/config';
import { createLogger } from '@inplay/telemetry';
import { loadGatewayConfig } from './config';
import { loadDeploymentSettings } from './deployment';
import { startGateway } from './gateway';
import { gatewayModules } from './modules';

async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  // INPLAY_ENV=production refuses the dev login (a token for anyone) and a short JWT key.
  const deployment = loadDeploymentSettings(process.env);
  // The same settings as settlement's: the courtesy lock check applies only where the trade lock is the policy.
  const fairness = loadFairnessSettings(process.env);
  const logger = createLogger('gateway', config.logLevel);
  logger.info({ environment: deployment.environment, devLogin: deployment.devLogin, adminRoutes: deployment.adminToken !== undefined }, 'deployment');
  const gateway = await startGateway({
    config, logger, fairness,
    ...gatewayModules(deployment),
  });
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'gateway stopping: closing sockets with 4000 (reconnect)');
    gateway.stop().then(
      () => process.exit(0),
      (err: unknown) => { logger.error({ err }, 'gateway did not stop cleanly'); process.exit(1); },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
