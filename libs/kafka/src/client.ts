// Kafka adapter: the one place that knows kafkajs. Client, producer and
// consumer factories with the settings the design relies on.
import { Kafka, logLevel as KafkaLogLevel, Partitioners, type Producer, type Consumer, type Admin, type logCreator } from 'kafkajs';
import type { Logger } from '@inplay/telemetry';

export type { Producer, Consumer, Admin, Kafka };

const CONNECTION_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * Backoff of connections and retriable requests. Spelled out in full: kafkajs swaps in much shorter
 * defaults for any field left out when NODE_ENV=test (as under vitest), so tests would run a
 * different policy than production. 10 retries at 100 ms doubling to 5 s wait ~26 s in all, past a
 * leader failover after a broker dies (KRaft's broker.session.timeout.ms, 9 s, then an election).
 */
export const KAFKA_RETRY = { retries: 10, initialRetryTime: 100, maxRetryTime: 5_000, factor: 0.2, multiplier: 2 } as const;

function pinoLogCreator(logger: Logger): logCreator {
  return () => ({ level, log }) => {
    const { message, ...extra } = log;
    const entry = { ...extra, namespace: log['namespace'] };
    if (level === KafkaLogLevel.ERROR) logger.error(entry, message);
    else if (level === KafkaLogLevel.WARN) logger.warn(entry, message);
    else if (level === KafkaLogLevel.INFO) logger.debug(entry, message);
    else logger.trace(entry, message);
  };
}

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger?: Logger;
  /** Retries of the connection and of retriable requests (kafkajs exponential backoff). */
  retries?: number;
}

export function createKafka(options: KafkaOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retry: { ...KAFKA_RETRY, retries: options.retries ?? KAFKA_RETRY.retries },
    logLevel: options.logger ? KafkaLogLevel.INFO : KafkaLogLevel.NOTHING,
    ...(options.logger ? { logCreator: pinoLogCreator(options.logger) } : {}),
  });
}

/**
 * A kafkajs failure that says the cluster is briefly away (broker restarting, leader moving, request
 * timed out, kafkajs' own retries used up on those): worth retrying later. Not one that retrying
 * cannot fix (a record too large, an authorization failure: kafkajs marks those not retriable).
 */
export function isKafkaUnavailable(err: unknown): boolean {
  if (!(err instanceof Error) || !err.name.startsWith('KafkaJS')) return false;
  return err.name === 'KafkaJSNumberOfRetriesExceeded' || (err as { retriable?: unknown }).retriable === true;
}

/** An idempotent producer: acks from all in-sync replicas, no duplicates on retry. */
export function createProducer(kafka: Kafka, options: { transactionalId?: string } = {}): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: options.transactionalId ? 1 : 5,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
  });
}

/**
 * Waits until the group coordinator answers. On a fresh Kafka 4 broker the
 * first consumer loops on "group coordinator not available" while
 * __consumer_offsets is being created (kafkajs #1752); asking for the
 * coordinator through the admin client until it answers avoids that.
 */
export async function waitForGroupCoordinator(kafka: Kafka, timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await admin.describeGroups(['inplay-coordinator-probe']);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`group coordinator not available after ${timeoutMs} ms: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Broker address and version-ish facts for `inplay status`. Throws when unreachable. */
export async function probeKafka(brokers: string[], timeoutMs = 5_000): Promise<{ clusterId: string; brokers: number; controller: number | null }> {
  const kafka = new Kafka({ clientId: 'inplay-probe', brokers, connectionTimeout: timeoutMs, retry: { retries: 1, initialRetryTime: 200 }, logLevel: KafkaLogLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return { clusterId: cluster.clusterId, brokers: cluster.brokers.length, controller: cluster.controller };
  } catch (err) {
    throw new Error(`cannot reach Kafka at ${brokers.join(',')}: ${(err as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
