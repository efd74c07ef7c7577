// The schema registry process: read config, migrate its Postgres store, serve
// the Confluent REST API until SIGTERM/SIGINT, then drain and exit 0.
import { ConfigError } from '@inplay/config';
import { createLogger } from '@inplay/telemetry';
import { loadRegistryConfig } from './config';
import { startRegistryServer } from './server';

async function main(): Promise<void> {
  const config = loadRegistryConfig(process.env);
  const logger = createLogger('schema-registry', config.logLevel);
  if (config.writers === 'anonymous') logger.warn('SCHEMA_REGISTRY_ANONYMOUS_WRITES=true: anyone may register, delete and change compatibility');
  const registry = await startRegistryServer({ databaseUrl: config.databaseUrl, port: config.port, host: config.host, writers: config.writers, logger });
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
