// The benchmark's order intake process: the real gateway (its one Kafka
// client, producer, feed and pool) with only its order module, and the
// per-user rate limit lifted (the bench measures the order path, not the
// limiter). Prints {"listening": port} once it accepts connections.
import { infraHints, infraShape, kafkaSecurityOf, loadConfig, orderSigningKey, port, postgresUrl, z } from '@inplay/config';
import { DEFAULT_LIMITS, orderRoutes, startGateway } from '@inplay/gateway';
import { createLogger } from '@inplay/telemetry';

/** No bench user reaches this; the limiter still runs its bookkeeping on every request. */
const BENCH_RATE_LIMIT = { ordersPerSecond: 1_000_000, burstOrders: 1_000_000 };

const config = loadConfig({ ...infraShape, DATABASE_URL: postgresUrl, JWT_SECRET: z.string().min(32), ORDER_SIGNING_KEY: orderSigningKey, BENCH_INTAKE_PORT: port.optional() }, process.env, infraHints);
const logger = createLogger('bench-intake', config.LOG_LEVEL);
const gateway = await startGateway({
  config: {
    kafkaBrokers: config.KAFKA_BROKERS, kafkaSecurity: kafkaSecurityOf(config), schemaRegistryUrl: config.SCHEMA_REGISTRY_URL, databaseUrl: config.DATABASE_URL, topicPrefix: config.TOPIC_PREFIX,
    logLevel: config.LOG_LEVEL, jwtSecret: config.JWT_SECRET, orderSigningKey: config.ORDER_SIGNING_KEY, host: '127.0.0.1', port: config.BENCH_INTAKE_PORT ?? 0, internalHost: '127.0.0.1', internalPort: 0, serverId: 'bench-intake',
    allowedOrigins: ['*'], limits: { ...DEFAULT_LIMITS },
  },
  logger,
  routeModules: [orderRoutes({ rateLimit: BENCH_RATE_LIMIT })],
});
console.log(JSON.stringify({ listening: gateway.port }));
process.once('SIGTERM', () => {
  gateway.stop().then(() => process.exit(0), (err: Error) => { logger.error({ err }, 'bench intake did not stop cleanly'); process.exit(1); });
});
