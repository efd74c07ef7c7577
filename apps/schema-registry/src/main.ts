// The schema registry process: read config, migrate its Postgres store, serve
// the Confluent REST API until SIGTERM/SIGINT, then drain and exit 0.
import { ConfigError, DEFAULT_PORTS, loadConfig, logLevel, port, postgresUrl, z } from '@inplay/config';
import { createLogger } from '@inplay/telemetry';
import { startRegistryServer } from './server';

const configShape = {
  PORT: port.default(DEFAULT_PORTS.registry),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
};

const configHints = {
  PORT: 'The port to serve the registry on',
  DATABASE_URL: 'The Postgres database holding the registry (schema "schema_registry" in it is created if missing)',
};

async function main(): Promise<void> {
  const config = loadConfig(configShape, process.env, configHints);
  const logger = createLogger('schema-registry', config.LOG_LEVEL);
  const registry = await startRegistryServer({ databaseUrl: config.DATABASE_URL, port: config.PORT, host: config.HOST, logger });
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'schema registry stopping: finishing in-flight requests');
    registry.close().then(
      () => { logger.info('schema registry stopped'); process.exit(0); },
      (err: unknown) => { logger.error({ err }, 'schema registry did not stop cleanly'); process.exit(1); },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
