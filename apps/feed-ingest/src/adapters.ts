// The I/O feed-ingest needs, built once from the settings: Postgres pool,
// idempotent producer with the registry serde, logger and metrics. Closing
// flushes the producer before the pool goes.
import { createPool, type Pool } from '@inplay/db';
import { createKafka, createProducer, createSerde, recordSender, type Producer, type RecordSender } from '@inplay/kafka';
import { createLogger, type Logger } from '@inplay/telemetry';
import { createFeedMetrics, type FeedMetrics } from './metrics';
import type { InfraSettings } from './settings';

export interface FeedAdapters {
  pool: Pool;
  sender: RecordSender;
  logger: Logger;
  metrics: FeedMetrics;
  close(): Promise<void>;
}

export const FEED_POOL_SIZE = 5;

export async function connectFeedAdapters(infra: InfraSettings, options: { logger?: Logger; metrics?: FeedMetrics; clientId?: string } = {}): Promise<FeedAdapters> {
  const logger = options.logger ?? createLogger('feed-ingest');
  const kafka = createKafka({ brokers: infra.kafkaBrokers, ...infra.kafkaSecurity, clientId: options.clientId ?? 'feed-ingest', logger });
  const producer: Producer = createProducer(kafka);
  const pool = createPool(infra.databaseUrl, { max: FEED_POOL_SIZE, applicationName: 'feed-ingest' });
  try {
    await producer.connect();
    await pool.query('SELECT 1');
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw err;
  }
  const serde = createSerde(infra.schemaRegistryUrl, infra.topicPrefix, infra.registryAuth);
  let closed: Promise<void> | undefined;
  return {
    pool,
    sender: recordSender(producer, serde, infra.topicPrefix),
    logger,
    metrics: options.metrics ?? createFeedMetrics(),
    close() {
      closed ??= (async () => {
        await producer.disconnect().catch((err: Error) => logger.error({ err }, 'producer disconnect failed'));
        await pool.end().catch((err: Error) => logger.error({ err }, 'pool end failed'));
      })();
      return closed;
    },
  };
}
