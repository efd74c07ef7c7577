// createProducer's guard against kafkajs 2.2.4 resolving a sendBatch whose records for some partitions
// were never sent (after a leader change, producer/sendMessages.js retries only brokers without an
// answer): the records of every partition the result does not acknowledge go again, in a fresh call.
import { describe, expect, it } from 'vitest';
import type { Kafka, Message, ProducerBatch, ProducerConfig, RecordMetadata } from 'kafkajs';
import { completeSendsProducer, isKafkaUnavailable, SEND_ROUNDS } from './client';

/** A kafkajs stand-in: partitions by the key's number, and drops `dropped(round)` partitions from each answer. */
function fakeKafka(dropped: (round: number) => number[]) {
  const calls: { topic: string; partition: number; value: string }[][] = [];
  const kafka = {
    logger: () => ({ namespace: () => ({ warn: () => undefined }) }),
    producer: (config: ProducerConfig) => {
      const partitioner = config.createPartitioner!();
      const sendBatch = async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
        const sent: { topic: string; partition: number; value: string }[] = [];
        for (const { topic, messages } of batch.topicMessages ?? []) {
          for (const message of messages) {
            const partition = partitioner({ topic, message, partitionMetadata: Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 1, partitionErrorCode: 0, replicas: [], isr: [] })) });
            sent.push({ topic, partition, value: String(message.value) });
          }
        }
        calls.push(sent);
        const drop = new Set(dropped(calls.length));
        const acked = [...new Set(sent.map((s) => `${s.topic}:${s.partition}`))].map((tp) => ({ topicName: tp.split(':')[0]!, partition: Number(tp.split(':')[1]), errorCode: 0 }));
        return acked.filter((r) => !drop.has(r.partition));
      };
      return { sendBatch, send: async () => [], transaction: async () => ({ sendBatch, send: async () => [] }) };
    },
  } as unknown as Kafka;
  return { kafka, calls };
}

const byKey = () => ({ message }: { message: Message }) => Number(message.key) % 6;
const batch = (n: number) => ({ acks: -1, topicMessages: ['a', 'b'].map((topic) => ({ topic, messages: Array.from({ length: n }, (_, i) => ({ key: String(i), value: `${topic}${i}` })) })) });

describe('completeSendsProducer', () => {
  it('sends again exactly the records of the partitions a resolved sendBatch did not acknowledge', async () => {
    const { kafka, calls } = fakeKafka((round) => (round === 1 ? [2, 5] : []));
    const producer = completeSendsProducer(kafka, { createPartitioner: byKey });
    const result = await producer.sendBatch(batch(12));
    expect(calls).toHaveLength(2);
    expect(calls[1]!.map((s) => s.value).sort()).toEqual(['a11', 'a2', 'a5', 'a8', 'b11', 'b2', 'b5', 'b8']);
    expect(new Set(result.map((r) => `${r.topicName}:${r.partition}`)).size).toBe(12);
  });

  it('sends once when every partition is acknowledged, for send, sendBatch and a transaction', async () => {
    const { kafka, calls } = fakeKafka(() => []);
    const producer = completeSendsProducer(kafka, { createPartitioner: byKey });
    await producer.sendBatch(batch(12));
    await producer.send({ topic: 'a', messages: [{ key: '1', value: 'x' }] });
    await (await producer.transaction()).sendBatch(batch(3));
    expect(calls).toHaveLength(3);
  });

  it('completes a send and a transaction sendBatch too', async () => {
    const { kafka, calls } = fakeKafka((round) => (round === 1 || round === 3 ? [1] : []));
    const producer = completeSendsProducer(kafka, { createPartitioner: byKey });
    await producer.send({ topic: 'a', messages: [{ key: '1', value: 'x' }, { key: '2', value: 'y' }] });
    expect(calls[1]!.map((s) => s.value)).toEqual(['x']);
    await (await producer.transaction()).sendBatch(batch(2));
    expect(calls[3]!.map((s) => s.value)).toEqual(['a1', 'b1']);
  });

  it('gives up after SEND_ROUNDS with a retriable error', async () => {
    const { kafka, calls } = fakeKafka(() => [0]);
    const producer = completeSendsProducer(kafka, { createPartitioner: byKey });
    const err = await producer.sendBatch(batch(6)).catch((e: unknown) => e);
    expect(calls).toHaveLength(SEND_ROUNDS);
    expect((err as Error).message).toMatch(/a\[0\], b\[0\]/);
    expect(isKafkaUnavailable(err)).toBe(true);
  });
});
