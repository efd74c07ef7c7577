// Consumer batching of both stages, in one place: how long a fetch waits for
// data and how much one fetch brings back. Latency vs throughput lives here.
import { RegistryUnavailableError } from '@inplay/kafka';

export interface ConsumerTuning {
  /** A fetch returns as soon as minBytes are there or after this many ms. */
  maxWaitTimeInMs: number;
  minBytes: number;
  /** Bounds one partition's batch, hence one transaction's size. */
  maxBytesPerPartition: number;
  maxBytes: number;
  /** Partitions processed in parallel (each partition has its own transactional producer). */
  partitionsConsumedConcurrently: number;
}

/** Above this, one partition's batch (and its outputs) would make transactions too long to heartbeat between. */
export const MAX_FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024;

export const DEFAULT_CONSUMER_TUNING: ConsumerTuning = {
  maxWaitTimeInMs: 10,
  minBytes: 1,
  maxBytesPerPartition: 256 * 1024,
  maxBytes: 4 * 1024 * 1024,
  partitionsConsumedConcurrently: 6,
};

/** Session and rebalance limits: a batch is one transaction, far shorter than these. */
export const SESSION_TIMEOUT_MS = 30_000;
export const REBALANCE_TIMEOUT_MS = 30_000;

export function consumerSettings(groupId: string, tuning: ConsumerTuning) {
  return {
    groupId,
    readUncommitted: false,
    sessionTimeout: SESSION_TIMEOUT_MS,
    rebalanceTimeout: REBALANCE_TIMEOUT_MS,
    maxWaitTimeInMs: tuning.maxWaitTimeInMs,
    minBytes: tuning.minBytes,
    maxBytesPerPartition: tuning.maxBytesPerPartition,
    maxBytes: tuning.maxBytes,
  };
}

/** kafkajs errors are retried and the consumer restarted by kafkajs itself; anything else is a bug. */
export function isKafkaClientError(err: unknown): boolean {
  return err instanceof Error && err.name.startsWith('KafkaJS');
}

/**
 * Runs one consumed batch, kept in `inFlight` until it settles (stop() waits
 * for them); a failure that is not the Kafka client's own, nor the schema
 * registry being away, is fatal (kafkajs retries those batches and restarts
 * the consumer).
 */
export async function trackBatch(inFlight: Set<Promise<void>>, batch: Promise<void>, onFatal: (err: unknown) => void): Promise<void> {
  inFlight.add(batch);
  try {
    await batch;
  } catch (err) {
    if (!isKafkaClientError(err) && !(err instanceof RegistryUnavailableError)) onFatal(err);
    throw err;
  } finally {
    inFlight.delete(batch);
  }
}
