// The gateway process: read config, start (bootstrap from Kafka, then listen)
// with the HTTP modules (order intake, the web page), and on SIGTERM/SIGINT
// close every socket with "going away, reconnect" and exit 0.
import { ConfigError, bool, loadConfig } from '@inplay/config';
import { createLogger } from '@inplay/telemetry';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';
import { createOrderIntake, registerOrderRoutes } from './orders';
import { staticRoutes } from './http/static';

async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  // The dev login hands a token to anyone who asks: never on in production.
  const { GATEWAY_DEV_LOGIN: devLogin } = loadConfig({ GATEWAY_DEV_LOGIN: bool.default(false) }, process.env, {
    GATEWAY_DEV_LOGIN: 'true only for local demos: POST /dev/login issues a token for any user id',
  });
  const logger = createLogger('gateway', config.logLevel);
  const intake = await createOrderIntake({
    brokers: config.kafkaBrokers, registryUrl: config.schemaRegistryUrl, databaseUrl: config.databaseUrl,
    jwtSecret: config.jwtSecret, topicPrefix: config.topicPrefix, devLogin, logger,
  });
  const gateway = await startGateway({
    config, logger,
    routeModules: [(app) => { registerOrderRoutes(app, intake.deps); }, staticRoutes()],
  });
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'gateway stopping: closing sockets with 4000 (reconnect)');
    gateway.stop().then(() => intake.close()).then(
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
