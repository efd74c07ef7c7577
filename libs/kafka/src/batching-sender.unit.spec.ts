// The batching sender with a producer that takes its time: what callers send
// while a request is out goes together in the next one, within the limits,
// in order, one request at a time.
import { describe, expect, it } from 'vitest';
import type { Producer, ProducerBatch } from 'kafkajs';
import { batchingSender, type BatchingLimits } from './batching-sender';

const LIMITS: BatchingLimits = { maxRequestRecords: 1_000, maxRequestBytes: 1024 * 1024, lingerMs: 0 };

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

describe('batching sender', () => {
  it('merges what is queued in one turn into one request and settles every caller with it', async () => {
    const { producer, arrived, stats } = fakeProducer();
    const sender = batchingSender(producer, LIMITS);
    await Promise.all([sender.send(messages('a', 0, 2)), sender.send(messages('b', 0, 1)), sender.send(messages('a', 2, 1))]);
    expect(stats().requests).toBe(1);
    expect(arrived).toEqual(['a:0', 'a:1', 'a:2', 'b:0']);
  });

  it('keeps the order of records across requests cut by size: one request at a time', async () => {
    const { producer, arrived, stats } = fakeProducer();
    const sender = batchingSender(producer, LIMITS);
    const chunk = LIMITS.maxRequestRecords / 2;
    const sends = Array.from({ length: 8 }, (_, i) => sender.send(messages('t', i * chunk, chunk)));
    await new Promise((r) => setImmediate(r));
    sends.push(sender.send(messages('t', 8 * chunk, 1))); // a later turn
    await Promise.all(sends);
    expect(stats().maxInFlight).toBe(1);
    // 8 half-full sends make 4 full requests; the later one rides with none of them or goes alone.
    expect(stats().requests).toBeGreaterThanOrEqual(4);
    expect(stats().requests).toBeLessThanOrEqual(5);
    expect(arrived).toEqual(Array.from({ length: 8 * chunk + 1 }, (_, i) => `t:${i}`));
  });

  it('gathers what is sent while a request is out into the next request, within the record limit', async () => {
    const { producer, arrived, stats } = fakeProducer();
    const sender = batchingSender(producer, { ...LIMITS, maxRequestRecords: 50 });
    const first = sender.send(messages('t', 0, 1));
    await new Promise((r) => setImmediate(r)); // the first request is out now
    const later = Array.from({ length: 120 }, (_, i) => sender.send(messages('t', 1 + i, 1)));
    await Promise.all([first, ...later]);
    // 1 alone, then 120 one-record sends in requests of at most 50: 1 + 3 requests, not 121.
    expect(stats().requests).toBe(4);
    expect(sender.stats).toEqual({ requests: 4, records: 121 });
    expect(arrived).toEqual(Array.from({ length: 121 }, (_, i) => `t:${i}`));
  });

  it('rejects every caller of a request the broker refused, and goes on with the next', async () => {
    let calls = 0;
    const producer = { async sendBatch() { calls += 1; if (calls === 1) throw new Error('broker away'); return []; } } as unknown as Producer;
    const sender = batchingSender(producer, LIMITS);
    const a = sender.send(messages('t', 0, 1));
    const b = sender.send(messages('t', 1, 1));
    await expect(a).rejects.toThrow('broker away');
    await expect(b).rejects.toThrow('broker away');
    await expect(sender.send(messages('t', 2, 1))).resolves.toBeUndefined();
  });

  it('cuts requests at the byte limit exactly: records that fill it go together, one byte more goes next', async () => {
    const { producer, stats } = fakeProducer();
    const sender = batchingSender(producer, { ...LIMITS, maxRequestBytes: 10 });
    const bytes = (n: number, fill: string) => [{ topic: 't', messages: [{ key: 'k', value: Buffer.from(fill.repeat(n)) }] }];
    await Promise.all([sender.send(bytes(4, 'a')), sender.send(bytes(6, 'b'))]);
    expect(stats().requests).toBe(1); // 4 + 6 = 10 bytes: one request
    await Promise.all([sender.send(bytes(4, 'c')), sender.send(bytes(7, 'd'))]);
    expect(stats().requests).toBe(3); // 4 + 7 = 11 bytes: two
  });

  it('sends a single caller larger than the limits alone rather than never', async () => {
    const { producer, arrived, stats } = fakeProducer();
    const sender = batchingSender(producer, { ...LIMITS, maxRequestRecords: 10 });
    await Promise.all([sender.send(messages('t', 0, 25)), sender.send(messages('t', 25, 1))]);
    expect(stats().requests).toBe(2);
    expect(arrived).toHaveLength(26);
  });

  it('lingers after a request while more is queued, so late callers join the next request', async () => {
    const { producer, arrived, stats } = fakeProducer();
    const sender = batchingSender(producer, { ...LIMITS, lingerMs: 20 });
    const first = sender.send(messages('t', 0, 1));
    await new Promise((r) => setImmediate(r)); // the first request is out
    const second = sender.send(messages('t', 1, 1)); // queued while it is out: the sender lingers before the next
    await first;
    const third = sender.send(messages('t', 2, 1)); // inside the linger
    await Promise.all([second, third]);
    expect(stats().requests).toBe(2);
    expect(arrived).toEqual(['t:0', 't:1', 't:2']);
  });
});
