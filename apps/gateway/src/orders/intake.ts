// Builds everything order intake needs from plain settings, for the gateway's
// main (and tests): pool, idempotent producer, serde, result waiter, limiter.
import { signingKey } from '@inplay/auth';
import { createPool } from '@inplay/db';
import { createKafka, createProducer, createSerde, recordSender } from '@inplay/kafka';
import { createLogger, type Logger } from '@inplay/telemetry';
import { createOrderStore } from './order-store';
import { createRateLimiter, DEFAULT_ORDER_RATE_LIMIT, type RateLimit } from './rate-limit';
import { startResultWaiter } from './result-waiter';
import type { OrderRoutesDeps } from './routes';

export interface OrderIntakeOptions {
  brokers: string[];
  registryUrl: string;
  databaseUrl: string;
  jwtSecret: string;
  topicPrefix?: string;
  rateLimit?: RateLimit;
  devLogin?: boolean;
  logger?: Logger;
}

export async function createOrderIntake(options: OrderIntakeOptions): Promise<{ deps: OrderRoutesDeps; close(): Promise<void> }> {
  const prefix = options.topicPrefix ?? '';
  const logger = options.logger ?? createLogger('gateway-orders');
  const kafka = createKafka({ brokers: options.brokers, clientId: 'gateway-orders' });
  const serde = createSerde(options.registryUrl, prefix);
  await serde.registerAll();
  const producer = createProducer(kafka);
  await producer.connect();
  const pool = createPool(options.databaseUrl, { max: 10, applicationName: 'gateway-orders' });
  const store = createOrderStore(pool);
  const results = await startResultWaiter({ kafka, serde, deadLetters: producer, prefix, store });
  return {
    deps: {
      signingKey: signingKey(options.jwtSecret),
      store,
      sender: recordSender(producer, serde, prefix),
      results,
      rateLimit: createRateLimiter(options.rateLimit ?? DEFAULT_ORDER_RATE_LIMIT),
      logger,
      devLogin: options.devLogin ?? false,
    },
    async close() {
      await results.stop();
      await producer.disconnect();
      await pool.end();
    },
  };
}
