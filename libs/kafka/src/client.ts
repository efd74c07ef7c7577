// Kafka adapter: the one place that knows kafkajs. Client, producer and
// consumer factories with the settings the design relies on.
import { Kafka, logLevel as KafkaLogLevel, Partitioners, type Producer, type Consumer, type Admin, type ICustomPartitioner, type logCreator, type Message, type ProducerBatch, type ProducerConfig, type RecordMetadata } from 'kafkajs';
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

export interface KafkaOptions extends KafkaSecurity {
  brokers: string[];
  clientId: string;
  logger?: Logger;
  /** Retries of the connection and of retriable requests (kafkajs exponential backoff). */
  retries?: number;
}

/** A Kafka principal's SASL/SCRAM-SHA-512 user name and password. */
export interface KafkaLogin {
  username: string;
  password: string;
}

/** TLS to the brokers: the CA certificate (PEM) that signed theirs. */
export interface KafkaTls {
  caPem: string;
  /** Where the PEM came from, so a child process can be pointed at it (KAFKA_TLS_CA_FILE). */
  caFile?: string | undefined;
}

/** The environment a child process needs to log in like `security` (KAFKA_SASL_*, KAFKA_TLS_CA_FILE; read by libs/config infraShape). */
export function kafkaSecurityEnv(security: KafkaSecurity | undefined): Record<string, string> {
  if (security?.tls && !security.tls.caFile) throw new Error('kafkaSecurityEnv: a TLS CA given as PEM only cannot be passed to a child process; give its caFile');
  return {
    ...(security?.sasl ? { KAFKA_SASL_USERNAME: security.sasl.username, KAFKA_SASL_PASSWORD: security.sasl.password } : {}),
    ...(security?.tls?.caFile ? { KAFKA_TLS_CA_FILE: security.tls.caFile } : {}),
  };
}

/** How a client proves who it is to the brokers: its principal's login, and TLS when the listeners use it. Empty for a broker without authentication. */
export interface KafkaSecurity {
  sasl?: KafkaLogin | undefined;
  tls?: KafkaTls | undefined;
}

/** The kafkajs connection settings of a login and TLS: one place that spells the mechanism. */
export function kafkaSecurity(o: KafkaSecurity): { sasl?: { mechanism: 'scram-sha-512'; username: string; password: string }; ssl?: { ca: string[] } } {
  return {
    ...(o.sasl ? { sasl: { mechanism: 'scram-sha-512' as const, username: o.sasl.username, password: o.sasl.password } } : {}),
    ...(o.tls ? { ssl: { ca: [o.tls.caPem] } } : {}),
  };
}

export function createKafka(options: KafkaOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retry: { ...KAFKA_RETRY, retries: options.retries ?? KAFKA_RETRY.retries },
    ...kafkaSecurity(options),
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

/** Keys whose partition keyedPartitioner remembers per topic; past this the memo starts over (bounded memory). */
export const PARTITION_MEMO_KEYS = 100_000;

/**
 * kafkajs's default partitioner (murmur2 of the key, as the Java client), remembering each string key's
 * partition per topic: a hot producer sends the same few thousand keys over and over, and murmur2 of
 * each plus a filter of the partition metadata per record showed in profiles (pricing, issue 18).
 * Same partitions as the default; a change of the topic's partition count starts the memo over.
 */
export const keyedPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  const memo = new Map<string, { partitions: number; byKey: Map<string, number> }>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    if ((message.partition !== null && message.partition !== undefined) || typeof message.key !== 'string') return fallback(args);
    let known = memo.get(topic);
    if (!known || known.partitions !== partitionMetadata.length || known.byKey.size >= PARTITION_MEMO_KEYS) {
      memo.set(topic, known = { partitions: partitionMetadata.length, byKey: new Map() });
    }
    let partition = known.byKey.get(message.key);
    if (partition === undefined) {
      partition = fallback(args);
      known.byKey.set(message.key, partition);
    }
    return partition;
  };
};

/** An idempotent producer: acks from all in-sync replicas, no duplicates on retry. */
export function createProducer(kafka: Kafka, options: { transactionalId?: string; createPartitioner?: ICustomPartitioner } = {}): Producer {
  return completeSendsProducer(kafka, {
    idempotent: true,
    maxInFlightRequests: options.transactionalId ? 1 : 5,
    createPartitioner: options.createPartitioner ?? Partitioners.DefaultPartitioner,
    ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
  });
}

/** A send some of whose partitions stayed unacknowledged through every round: retriable (isKafkaUnavailable). */
export class KafkaJSIncompleteSendError extends Error {
  override readonly name = 'KafkaJSIncompleteSendError';
  readonly retriable = true;
}

/** Rounds of sendBatch one send may take to get every partition acknowledged before it fails (retriable). */
export const SEND_ROUNDS = 5;

/**
 * kafkajs 2.2.4 can resolve a send or sendBatch whose records for some partitions were never written
 * (producer/sendMessages.js): the responses of one call are kept per broker across its retries, and a
 * retry sends only to brokers that have none yet. When the leader of some partitions dies, its request
 * fails and the retry, after the election, finds those partitions led by brokers that already answered
 * for their own partitions: nothing is sent, and the call resolves with the old answers. The records
 * for the moved partitions are silently dropped (chaos broker-kill: settled orders with no
 * order.results record, orders never settled).
 *
 * This producer remembers which partition the partitioner chose for each record, and after each call
 * sends again, in a fresh call, the records of every partition the result holds no acknowledgement
 * for. Their sequence numbers were rolled back when the request failed, so a record the dead leader
 * had written after all is recognised by the new leader as a duplicate, not written twice.
 */
export function completeSendsProducer(kafka: Kafka, config: ProducerConfig): Producer {
  /** The partition chosen for each record, per topic (one Message object could go to two topics). */
  const chosen = new WeakMap<Message, Map<string, number>>();
  const createPartitioner = config.createPartitioner ?? Partitioners.DefaultPartitioner;
  const producer = kafka.producer({
    ...config,
    createPartitioner: () => {
      const partitioner = createPartitioner();
      return (args) => {
        const partition = partitioner(args);
        let byTopic = chosen.get(args.message);
        if (!byTopic) chosen.set(args.message, byTopic = new Map());
        byTopic.set(args.topic, partition);
        return partition;
      };
    },
  });
  const logger = kafka.logger().namespace('CompleteSends');
  const complete = (sendBatch: (batch: ProducerBatch) => Promise<RecordMetadata[]>) => async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
    if (batch.acks === 0) return sendBatch(batch);
    let pending = batch.topicMessages ?? [];
    const results: RecordMetadata[] = [];
    for (let round = 1; ; round++) {
      const result = await sendBatch({ ...batch, topicMessages: pending });
      results.push(...result);
      const acked = new Set(result.filter((r) => r.errorCode === 0).map((r) => `${r.topicName}\0${r.partition}`));
      const unacked = pending
        .map(({ topic, messages }) => ({ topic, messages: messages.filter((m) => !acked.has(`${topic}\0${chosen.get(m)?.get(topic)}`)) }))
        .filter((t) => t.messages.length > 0);
      if (unacked.length === 0) return results;
      const partitions = [...new Set(unacked.flatMap(({ topic, messages }) => messages.map((m) => `${topic}[${chosen.get(m)?.get(topic)}]`)))];
      if (round >= SEND_ROUNDS) {
        throw new KafkaJSIncompleteSendError(`send resolved ${round} times without an acknowledgement for ${partitions.join(', ')}`);
      }
      logger.warn('send resolved without an acknowledgement for some partitions; sending their records again', { round, partitions });
      pending = unacked;
    }
  };
  const sendBatch = complete(producer.sendBatch.bind(producer));
  const transaction = producer.transaction.bind(producer);
  return Object.assign(producer, {
    sendBatch,
    send: ({ topic, messages, ...rest }: Parameters<Producer['send']>[0]) => sendBatch({ ...rest, topicMessages: [{ topic, messages }] }),
    transaction: async () => {
      const tx = await transaction();
      const txSendBatch = complete(tx.sendBatch.bind(tx));
      return Object.assign(tx, {
        sendBatch: txSendBatch,
        send: ({ topic, messages, ...rest }: Parameters<Producer['send']>[0]) => txSendBatch({ ...rest, topicMessages: [{ topic, messages }] }),
      });
    },
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

/** A probe gives up after this many times its timeout, whatever step it is in (connect, authenticate, describe, with one retry). */
const PROBE_OVERALL_FACTOR = 3;

/** Broker address and version-ish facts for `inplay status`. Throws when unreachable. */
export async function probeKafka(brokers: string[], timeoutMs = 5_000, security: KafkaSecurity = {}): Promise<{ clusterId: string; brokers: number; controller: number | null }> {
  // Every step bounded: a broker that accepts the connection but never answers (still starting, behind a proxy)
  // must not hold a caller's wait loop past its own deadline.
  const kafka = new Kafka({
    clientId: 'inplay-probe', brokers, connectionTimeout: timeoutMs, requestTimeout: timeoutMs, authenticationTimeout: timeoutMs,
    retry: { retries: 1, initialRetryTime: 200 }, logLevel: KafkaLogLevel.NOTHING, ...kafkaSecurity(security),
  });
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  const overall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_OVERALL_FACTOR * timeoutMs} ms`)), PROBE_OVERALL_FACTOR * timeoutMs);
  });
  try {
    return await Promise.race([overall, (async () => {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return { clusterId: cluster.clusterId, brokers: cluster.brokers.length, controller: cluster.controller };
    })()]);
  } catch (err) {
    throw new Error(`cannot reach Kafka at ${brokers.join(',')}: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
