// Bench child: the real gateway (startGateway, default limits unless the
// driver overrides them) on a port it shares with its siblings — uWS listens
// with SO_REUSEPORT on Linux, so the kernel spreads connections over them.
// argv: JSON { brokers, registryUrl, databaseUrl, prefix, port, serverId, limits }
import { createLogger } from '@inplay/telemetry';
import { kafkaSecurityOf } from '@inplay/config';
import { DEFAULT_LIMITS, startGateway, type GatewayConfig, type GatewayLimits } from '@inplay/gateway';
import { parentChannel } from './children';
import type { GatewayIn, GatewayOut } from './messages';
import { sampleProcess } from './gateway-sample';

interface Args { brokers: string[]; registryUrl: string; databaseUrl: string; prefix: string; port: number; serverId: string; limits: Partial<GatewayLimits> }
const args = JSON.parse(process.argv[2] ?? '{}') as Args;

/** Never used by the bench (no tokens), but the gateway requires one. */
/** Never used by the bench (no orders), but the gateway requires one. */
const BENCH_ORDER_SIGNING_KEY = 'bench-order-signing-key-of-at-least-32-bytes';
const BENCH_JWT_SECRET = 'bench-only-secret-of-at-least-thirty-two-bytes';

const config: GatewayConfig = {
  kafkaBrokers: args.brokers,
  // The driver passes its Kafka login as KAFKA_SASL_* (never in argv, which `ps` shows).
  kafkaSecurity: kafkaSecurityOf(process.env),
  schemaRegistryUrl: args.registryUrl,
  databaseUrl: args.databaseUrl,
  topicPrefix: args.prefix,
  logLevel: 'warn',
  jwtSecret: BENCH_JWT_SECRET,
  orderSigningKey: BENCH_ORDER_SIGNING_KEY,
  host: '127.0.0.1',
  port: args.port,
  /** Each bench gateway its own free internal port (they share the public one). */
  internalHost: '127.0.0.1',
  internalPort: 0,
  serverId: args.serverId,
  allowedOrigins: ['*'],
  limits: { ...DEFAULT_LIMITS, ...args.limits },
};
const gateway = await startGateway({ config, logger: createLogger(config.serverId, config.logLevel) });

const send = parentChannel<GatewayIn, GatewayOut>((message) => {
  if (message.type === 'sample') {
    const status = gateway.status();
    void sampleProcess(message.id, message.gc, { connections: status.connections, slowConsumers: status.slowConsumers, metrics: gateway.metrics }).then(send);
  } else if (message.type === 'stop') {
    void gateway.stop().finally(() => { send({ type: 'stopped' }); process.exit(0); });
  }
});
send({ type: 'ready', port: gateway.port });
