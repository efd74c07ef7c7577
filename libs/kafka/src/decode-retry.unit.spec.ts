// Which decode failures are the record's (dead letter) and which the
// registry's (retried with bounded backoff, then the batch fails and nothing
// is dead-lettered), with a serde that fails as the registry client does.
import { describe, expect, it } from 'vitest';
import type { KafkaMessage, Producer, ProducerRecord } from 'kafkajs';
import { classifyDecodeError, deadLetterReason, decodeWithRetry, RegistryUnavailableError, type DecodeRetryLimits } from './decode-retry';
import { decodeBatch } from './records';
import type { Serde } from './serde';

const LIMITS: DecodeRetryLimits = { decodeRetryBudgetMs: 1_000, initialBackoffMs: 100, maxBackoffMs: 400 };

/** What @kafkajs/confluent-schema-registry rejects with (its errorMiddleware's ResponseError). */
function responseError(status: number, message: string): Error {
  return Object.assign(new Error(`Confluent_Schema_Registry - ${message}`), { name: 'ResponseError', status });
}
const unreachable = () => responseError(400, 'Error, status 400: connect ECONNREFUSED 127.0.0.1:8081');
const avroFailure = () => new Error('truncated buffer');

/** A clock that only moves when the retry loop sleeps. */
function virtualTime() {
  let nowMs = 0;
  const slept: number[] = [];
  return { now: () => nowMs, sleep: async (ms: number) => { slept.push(ms); nowMs += ms; }, slept };
}

/** A serde whose decode fails with each of `failures` in turn, then decodes the buffer as its text. */
function flakySerde(failures: Error[]): Pick<Serde, 'decode'> & { calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    decode: async <T>(buffer: Buffer) => {
      const failure = failures[calls++];
      if (failure) throw failure;
      return buffer.toString() as T;
    },
  };
}

describe('decode failures, classified', () => {
  it.each([
    ['a refused, reset or timed-out connection (mappersmith: status 400)', unreachable(), 'registry-unavailable'],
    ['a timeout', responseError(400, 'Error, status 400: Timeout (3000ms)'), 'registry-unavailable'],
    ['a 5xx', responseError(503, 'Service Unavailable'), 'registry-unavailable'],
    ['a 429', responseError(429, 'Too Many Requests'), 'registry-unavailable'],
    ['a refused credential (fixed by an operator, not by the record)', responseError(401, 'Unauthorized'), 'registry-unavailable'],
    ['a raw network error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'registry-unavailable'],
    ['the registry answering 404 for the schema id', responseError(404, 'Schema 77 not found'), 'undecodable'],
    ['a wrong magic byte', Object.assign(new Error('Message encoded with magic byte 1, expected 0'), { name: 'ConfluentSchemaRegistryArgumentError' }), 'undecodable'],
    ['an Avro body that does not fit its schema', avroFailure(), 'undecodable'],
  ])('%s', (_what, err, expected) => {
    expect(classifyDecodeError(err)).toBe(expected);
  });
});

describe('the reason a record is dead-lettered', () => {
  const framed = Buffer.from([0, 0, 0, 0, 7, 2, 120]);
  it.each([
    ['a tombstone', null, new Error('record has no value'), 'no_value'],
    ['an empty value', Buffer.alloc(0), new Error('Message encoded with magic byte undefined, expected 0'), 'no_value'],
    ['a wrong magic byte', Buffer.from([1, 0, 0, 0, 7, 2]), new Error('Message encoded with magic byte {"type":"Buffer","data":[1]}, expected 0'), 'bad_frame'],
    ['a frame too short for a schema id', Buffer.from([0, 0, 1]), avroFailure(), 'bad_frame'],
    ['a JSON value', Buffer.from('{"orderId":"o1"}'), new Error('Message encoded with magic byte ...'), 'bad_frame'],
    ['a schema id the registry answers 404 for', framed, responseError(404, 'Schema 7 not found'), 'unknown_schema'],
    ['an Avro body that does not fit its schema', framed, avroFailure(), 'bad_payload'],
  ])('%s: %s', (_what, value, err, expected) => {
    expect(classifyDecodeError(err)).toBe('undecodable');
    expect(deadLetterReason(value, err)).toBe(expected);
  });
});

describe('decodeWithRetry', () => {
  it('rides out a registry that comes back within the budget, backing off exponentially', async () => {
    const time = virtualTime();
    const serde = flakySerde([unreachable(), unreachable(), unreachable()]);
    const retries: number[] = [];
    const value = await decodeWithRetry(serde, Buffer.from('order'), { limits: LIMITS, ...time, onRetry: (_err, attempt) => retries.push(attempt) });
    expect(value).toBe('order');
    expect(time.slept).toEqual([100, 200, 400]);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('gives up after the budget with RegistryUnavailableError, never waiting past it or longer than the largest pause', async () => {
    const time = virtualTime();
    const serde = flakySerde(Array.from({ length: 100 }, unreachable));
    const failed = await decodeWithRetry(serde, Buffer.from('order'), { limits: LIMITS, ...time }).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(RegistryUnavailableError);
    expect(failed).toMatchObject({ retriable: true, attempts: serde.calls() });
    expect(time.now()).toBeLessThanOrEqual(LIMITS.decodeRetryBudgetMs);
    expect(Math.max(...time.slept)).toBe(LIMITS.maxBackoffMs);
  });

  it('does not retry a record that can never decode', async () => {
    const time = virtualTime();
    const serde = flakySerde([avroFailure()]);
    await expect(decodeWithRetry(serde, Buffer.from('x'), { limits: LIMITS, ...time })).rejects.toThrow('truncated buffer');
    expect(serde.calls()).toBe(1);
  });
});

describe('decodeBatch', () => {
  const batchOf = (...values: string[]) => ({
    topic: 'orders', partition: 0,
    messages: values.map((v, i) => ({ offset: String(i), key: Buffer.from('k'), value: Buffer.from(v), timestamp: '0', headers: {} }) as unknown as KafkaMessage),
  });
  function deadLetterSink() {
    const sent: ProducerRecord[] = [];
    return { sent, producer: { send: async (record: ProducerRecord) => { sent.push(record); return []; } } as unknown as Producer };
  }
  const serdeFailingOn = (failures: Map<string, Error[]>) => ({
    decode: async <T>(buffer: Buffer) => {
      const failure = failures.get(buffer.toString())?.shift();
      if (failure) throw failure;
      return buffer.toString() as T;
    },
  }) as unknown as Serde;

  it('dead-letters only the record that can never decode and returns the rest', async () => {
    const sink = deadLetterSink();
    const serde = serdeFailingOn(new Map([['bad', [avroFailure()]]]));
    const records = await decodeBatch({ batch: batchOf('a', 'bad', 'b') as never }, serde, sink.producer, '', { limits: LIMITS, ...virtualTime() });
    expect(records.map((r) => r.value)).toEqual(['a', 'b']);
    expect(sink.sent.flatMap((r) => r.messages.map((m) => m.headers?.['x-source-offset']))).toEqual(['1']);
  });

  it('counts each dead letter by reason and topic without the test prefix, once it is on dead.letter, and says the reason in a header', async () => {
    const sink = deadLetterSink();
    // Magic byte 0 and schema id 7, then the body: a Confluent frame as far as the reason looks.
    const framed = (body: string) => `\u0000\u0000\u0000\u0000\u0007${body}`;
    const serde = serdeFailingOn(new Map([
      [framed('bad'), [avroFailure()]], [framed('gone'), [responseError(404, 'Schema 7 not found')]], ['{"json":1}', [avroFailure()]],
    ]));
    const counted: [string, string][] = [];
    const batch = { ...batchOf('a', framed('bad'), framed('gone'), '{"json":1}', 'b'), topic: 'test-7-orders' };
    await decodeBatch({ batch: batch as never }, serde, sink.producer, 'test-7-', { limits: LIMITS, ...virtualTime(), onDeadLetter: (reason, topic) => counted.push([reason, topic]) });
    expect(counted).toEqual([['bad_payload', 'orders'], ['unknown_schema', 'orders'], ['bad_frame', 'orders']]);
    expect(sink.sent.flatMap((r) => r.messages.map((m) => m.headers?.['x-reason']))).toEqual(['bad_payload', 'unknown_schema', 'bad_frame']);
  });

  it('counts nothing when the dead-letter topic refused the records (the batch fails and is read again)', async () => {
    const serde = serdeFailingOn(new Map([['bad', [avroFailure()]]]));
    const refusing = { send: async () => { throw new Error('NOT_ENOUGH_REPLICAS'); } } as unknown as Producer;
    const counted: string[] = [];
    await expect(decodeBatch({ batch: batchOf('bad') as never }, serde, refusing, '', { limits: LIMITS, ...virtualTime(), onDeadLetter: (reason) => counted.push(reason) })).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    expect(counted).toEqual([]);
  });

  it('fails the whole batch and dead-letters nothing (not even a bad record before it) while the registry is away', async () => {
    const sink = deadLetterSink();
    const serde = serdeFailingOn(new Map([['bad', [avroFailure()]], ['new-schema', Array.from({ length: 100 }, unreachable)]]));
    const heartbeats: number[] = [];
    const failed = decodeBatch({ batch: batchOf('bad', 'new-schema') as never, heartbeat: async () => { heartbeats.push(1); } }, serde, sink.producer, '', { limits: LIMITS, ...virtualTime() });
    await expect(failed).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(sink.sent).toEqual([]);
    expect(heartbeats.length).toBeGreaterThan(0);
  });
});
