// decodeBatch on real Kafka and the real registry: what can never decode (a
// foreign frame, a schema id the registry answers 404 for) goes to dead.letter
// with the reason, and the records around it are returned.
import { beforeAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { eventually, kafkaTestEnv, type KafkaTestEnv } from '../test/kafka-env';
import { createProducer, DEAD_LETTER_TOPIC, decodeBatch, topicName } from './index';

let env: KafkaTestEnv;

beforeAll(async () => {
  env = await kafkaTestEnv({ topics: true });
  await env.serde.registerAll();
});

const NEVER_REGISTERED_SCHEMA_ID = 2_000_000_000;

describe('decodeBatch with the real registry', () => {
  it('dead-letters a foreign frame and an unknown schema id (404) with the reason, counts each by reason, and returns the good records', async () => {
    const good = await env.serde.encode('trades', {
      tradeId: 't1', orderId: 'o1', userId: 'u1', playerId: 'p1', side: 'BUY', quantity: 1, priceCents: 100, tickSeq: 1, executedAt: 1,
    });
    const unknownId = Buffer.from(good);
    unknownId.writeInt32BE(NEVER_REGISTERED_SCHEMA_ID, 1);
    const foreign = Buffer.from('{"not":"confluent framed"}');
    const batch = {
      topic: topicName(env.prefix, 'trades'), partition: 0,
      messages: [good, foreign, unknownId, good].map((value, i) => ({ offset: String(i), key: Buffer.from('p1'), value, timestamp: '0', headers: {} }) as unknown as KafkaMessage),
    };
    const producer = createProducer(env.kafka);
    await producer.connect();
    const counted: string[] = [];
    const records = await decodeBatch({ batch: batch as never }, env.serde, producer, env.prefix, { onDeadLetter: (reason, topic) => counted.push(`${topic} ${reason}`) });
    await producer.disconnect();
    expect(records.map((r) => r.offset)).toEqual(['0', '3']);
    expect(counted).toEqual(['trades bad_frame', 'trades unknown_schema']);

    const dead: { offset: string; error: string; reason: string }[] = [];
    const consumer = env.kafka.consumer({ groupId: `${env.prefix}dead`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: topicName(env.prefix, DEAD_LETTER_TOPIC), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => {
      dead.push({ offset: String(message.headers?.['x-source-offset']), error: String(message.headers?.['x-error']), reason: String(message.headers?.['x-reason']) });
    } });
    await eventually('both records on dead.letter', () => dead.length >= 2);
    await consumer.disconnect();
    expect(dead.map((d) => d.offset)).toEqual(['1', '2']);
    expect(dead[0]?.error).toMatch(/magic byte/);
    expect(dead[1]?.error).toMatch(/not found/i);
    expect(dead.map((d) => d.reason)).toEqual(['bad_frame', 'unknown_schema']);
  });
});
