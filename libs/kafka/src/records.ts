// Typed records on top of kafkajs and the serde: send values of a topic's
// schema, consume decoded values, and send what can never be decoded to the
// dead-letter topic with the reason instead of looping on it (kafkajs #1592),
// counted for the alert (dead-letter-metric.ts).
// A registry that is briefly away is retried, never dead-lettered (decode-retry.ts).
import type { Consumer, EachBatchPayload, Message, Producer, IHeaders, RecordMetadata, Transaction } from 'kafkajs';
import type { RecordTypes, TopicName } from '@inplay/contracts';
import type { Serde } from './serde';
import { topicName } from './topics';
import type { BatchingSender } from './batching-sender';
import { deadLetterReason, decodeWithRetry, RegistryUnavailableError, type DeadLetterReason, type DecodeRetryOptions } from './decode-retry';
import type { OnDeadLetter } from './dead-letter-metric';

/** The record type carried by each topic. */
export interface TopicRecords {
  'match.events': RecordTypes['MatchEvent'];
  'price.ticks': RecordTypes['PriceTick'];
  'price.latest': RecordTypes['LatestPrice'];
  orders: RecordTypes['Order'];
  'order.results': RecordTypes['OrderResult'];
  trades: RecordTypes['Trade'];
  leaderboard: RecordTypes['LeaderboardSnapshot'];
  'pricing.commands': RecordTypes['PricingCommand'];
  'pricing.snapshots': RecordTypes['PricingSnapshot'];
}
export type ValueTopic = keyof TopicRecords;

export interface OutgoingRecord<T extends ValueTopic> {
  key: string;
  value: TopicRecords[T];
  partition?: number;
  timestamp?: number;
  headers?: IHeaders;
}

export interface RecordSender {
  send<T extends ValueTopic>(topic: T, records: OutgoingRecord<T>[], via?: Producer | Transaction): Promise<RecordMetadata[]>;
  /** Several topics in one request (or one transaction). */
  sendMany(batches: { [T in ValueTopic]?: OutgoingRecord<T>[] }, via?: Producer | Transaction): Promise<RecordMetadata[]>;
}

/**
 * Sends typed values through the serde; `prefix` isolates test topics. With
 * `batching`, sends that name no producer or transaction go through it (one
 * request for what many callers sent meanwhile) and resolve without metadata.
 */
export function recordSender(producer: Producer, serde: Serde, prefix = '', options: { batching?: BatchingSender; sign?: { [T in ValueTopic]?: (key: string, value: Buffer) => IHeaders } } = {}): RecordSender {
  const encode = async <T extends ValueTopic>(topic: T, records: OutgoingRecord<T>[]) => ({
    topic: topicName(prefix, topic as TopicName),
    messages: await Promise.all(records.map(async (r) => {
      const value = await serde.encode(topic as TopicName, r.value as never);
      const signature = options.sign?.[topic]?.(r.key, value);
      return {
        key: r.key,
        value,
        ...(r.partition !== undefined ? { partition: r.partition } : {}),
        ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}),
        ...(r.headers || signature ? { headers: { ...r.headers, ...signature } } : {}),
      };
    })),
  });
  return {
    async send(topic, records, via) {
      if (records.length === 0) return [];
      const encoded = await encode(topic, records);
      if (!via && options.batching) {
        await options.batching.send([encoded]);
        return [];
      }
      return (via ?? producer).send({ ...encoded, acks: -1 });
    },
    async sendMany(batches, via = producer) {
      const topicMessages = [];
      for (const [topic, records] of Object.entries(batches)) {
        if (records && records.length > 0) topicMessages.push(await encode(topic as ValueTopic, records as OutgoingRecord<ValueTopic>[]));
      }
      if (topicMessages.length === 0) return [];
      return via.sendBatch({ topicMessages, acks: -1 });
    },
  };
}

export interface IncomingRecord<T = unknown> {
  /** The topic without the test prefix. */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: T;
  /** Record timestamp (ms): CreateTime or LogAppendTime, as the topic says. */
  timestamp: number;
  headers: IHeaders;
}

export const DEAD_LETTER_TOPIC: TopicName = 'dead.letter';

/**
 * Decodes a batch. A record that can never decode goes to the dead-letter topic
 * with the reason in headers and is skipped (its offset still counts as
 * consumed); `onDeadLetter` counts it (deadLetterCounter) once it is there.
 * When the registry stays unreachable for the retry budget, throws
 * RegistryUnavailableError and dead-letters nothing: the consumer must not move
 * past the batch, and kafkajs runs it again (restarting the consumer after its
 * own retries).
 */
export async function decodeBatch<T>(
  payload: Pick<EachBatchPayload, 'batch'> & Partial<Pick<EachBatchPayload, 'heartbeat'>>,
  serde: Serde,
  deadLetters: Producer,
  prefix = '',
  options: Omit<DecodeRetryOptions, 'heartbeat'> & { onDeadLetter?: OnDeadLetter; authenticate?: (message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders | undefined }) => void } = {},
): Promise<IncomingRecord<T>[]> {
  const { batch } = payload;
  const { onDeadLetter, authenticate, ...decodeOptions } = options;
  const retry: DecodeRetryOptions = { ...decodeOptions, ...(payload.heartbeat ? { heartbeat: payload.heartbeat } : {}) };
  // The topic as the service names it (labels stay few); a topic outside the prefix (a replay's input) keeps its full name.
  const sourceTopic = batch.topic.startsWith(prefix) ? batch.topic.slice(prefix.length) : batch.topic;
  const out: IncomingRecord<T>[] = [];
  const undecodable: { message: Message; reason: DeadLetterReason }[] = [];
  for (const message of batch.messages) {
    try {
      if (!message.value) throw new Error('record has no value');
      // A signed topic: a record without its writer's signature is never handed on (dead-lettered as `forged`).
      authenticate?.(message);
      out.push({
        topic: batch.topic.slice(prefix.length),
        partition: batch.partition,
        offset: message.offset,
        key: message.key ? message.key.toString() : null,
        value: await decodeWithRetry<T>(serde, message.value, retry),
        timestamp: Number(message.timestamp),
        headers: message.headers ?? {},
      });
    } catch (err) {
      if (err instanceof RegistryUnavailableError) throw err;
      const reason = deadLetterReason(message.value, err);
      undecodable.push({ reason, message: {
        key: message.key,
        value: message.value,
        headers: {
          'x-source-topic': batch.topic,
          'x-source-partition': String(batch.partition),
          'x-source-offset': message.offset,
          'x-error': (err as Error).message.slice(0, 1_000),
          'x-reason': reason,
        },
      } });
    }
  }
  // Only once the whole batch decoded: a batch failed by the registry and run again dead-letters nothing twice.
  if (undecodable.length > 0) {
    await deadLetters.send({ topic: topicName(prefix, DEAD_LETTER_TOPIC), acks: -1, messages: undecodable.map((u) => u.message) });
    for (const { reason } of undecodable) onDeadLetter?.(reason, sourceTopic);
  }
  return out;
}

/** Reads a compacted topic from the start to its current end and returns the last value per key. */
export async function readCompacted<T>(consumer: Consumer, serde: Serde, topic: string, endOffsets: Map<number, string>, timeoutMs = 30_000): Promise<Map<string, T>> {
  const latest = new Map<string, T>();
  const pending = new Set([...endOffsets].filter(([, end]) => end !== '0').map(([p]) => p));
  if (pending.size === 0) return latest;
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reading ${topic} took longer than ${timeoutMs} ms`)), timeoutMs);
    consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (message.key && message.value) latest.set(message.key.toString(), (await serde.decode(message.value)) as T);
          else if (message.key) latest.delete(message.key.toString());
        }
        const end = BigInt(endOffsets.get(batch.partition) ?? '0');
        if (BigInt(batch.lastOffset()) + 1n >= end) pending.delete(batch.partition);
        if (pending.size === 0) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  return latest;
}
