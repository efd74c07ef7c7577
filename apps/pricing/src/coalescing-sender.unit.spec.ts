import { describe, expect, it } from 'vitest';
import type { Producer } from '@inplay/kafka';
import type { ProducerBatch } from 'kafkajs';
import { coalescingSender } from './coalescing-sender';
import { MAX_PRODUCE_REQUEST_RECORDS } from './outputs';

/** A producer that acknowledges after a while and records what reached "the broker", in order. */
function fakeProducer() {
  const arrived: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let requests = 0;
  const producer = {
    async sendBatch(batch: ProducerBatch) {
      requests += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1 + Math.floor(Math.random() * 3)));
      for (const t of batch.topicMessages ?? []) for (const m of t.messages) arrived.push(`${t.topic}:${String(m.value)}`);
      inFlight -= 1;
      return [];
    },
  } as unknown as Producer;
  return { producer, arrived, stats: () => ({ maxInFlight, requests }) };
}

const messages = (topic: string, from: number, n: number) => [{ topic, messages: Array.from({ length: n }, (_, i) => ({ key: 'k', value: Buffer.from(String(from + i)) })) }];

describe('coalescing sender', () => {
  it('merges what is queued in one turn into one request and settles every caller with it', async () => {
    const { producer, arrived, stats } = fakeProducer();
    const sender = coalescingSender(producer);
    await Promise.all([sender.send(messages('a', 0, 2)), sender.send(messages('b', 0, 1)), sender.send(messages('a', 2, 1))]);
    expect(stats().requests).toBe(1);
    expect(arrived).toEqual(['a:0', 'a:1', 'a:2', 'b:0']);
  });

  it('keeps the order of records across requests cut by size: one request at a time', async () => {
    const { producer, arrived, stats } = fakeProducer();
    const sender = coalescingSender(producer);
    const chunk = MAX_PRODUCE_REQUEST_RECORDS / 2;
    const sends = Array.from({ length: 8 }, (_, i) => sender.send(messages('t', i * chunk, chunk)));
    await new Promise((r) => setImmediate(r));
    sends.push(sender.send(messages('t', 8 * chunk, 1))); // a later turn
    await Promise.all(sends);
    expect(stats()).toEqual({ requests: 5, maxInFlight: 1 });
    expect(arrived).toEqual(Array.from({ length: 8 * chunk + 1 }, (_, i) => `t:${i}`));
  });
});
