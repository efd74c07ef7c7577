// The dead-letter alert metric on real Kafka, the registry and Postgres:
// settlement wired as main.ts wires it meets records on `orders` that can never
// decode (a wrong magic byte, a tombstone); each goes to dead.letter with its
// reason, inplay_dead_letters_total on /metrics counts it (from a zero series,
// so Prometheus' increase() sees the first one), and the next order settles.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, PriceTick } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import { createProducer, DEAD_LETTER_TOPIC, recordSender, signatureHeaders, topicName, type Producer, type RecordSender } from '@inplay/kafka';
import { createLogger, startMetricsServer } from '@inplay/telemetry';
import { eventually, isolate, roleDatabaseUrl, type IsolatedEnv, TEST_ORDER_SIGNING_KEY, SIGN_TEST_ORDERS } from '@inplay/testing';
import { createSettlementMetrics } from './metrics';
import { startSettlement, type RunningSettlement } from './settlement';
import { newUser, testPool } from '../test/settlement.fixtures';

let env: IsolatedEnv;
let pool: Pool;
let producer: Producer;
let send: RecordSender;
let settlement: RunningSettlement | undefined;
let metricsServer: Server | undefined;
let metricsUrl: string;
const fatal: Error[] = [];

const TICK: PriceTick = {
  playerId: 'p-dl', matchId: 'm-dl', seq: 1, priceCents: 500, previousPriceCents: 500, cause: 'DRIFT', causeEventId: null, causeEventType: null,
  causeOccurredAt: null, lockedUntil: null, tickedAt: Date.now(),
};
const order = (): Order => ({
  orderId: randomUUID(), userId: 'dl-fan', idempotencyKey: randomUUID(), bodyHash: 'h', playerId: 'p-dl', side: 'BUY', quantity: 1, limitPriceCents: null, placedAt: Date.now(),
});

/** inplay_dead_letters_total as Prometheus would scrape it from settlement: `reason` → value, for source_topic="orders". */
async function deadLettersOfOrders(): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^inplay_dead_letters_total\{source_topic="orders",reason="(\w+)",service="settlement"\} (\d+)$/gm)) counts[match[1]!] = Number(match[2]);
  return counts;
}

beforeAll(async () => {
  env = await isolate();
  pool = testPool(env);
  await env.serde.registerAll();
  producer = createProducer(env.kafka);
  await producer.connect();
  send = recordSender(producer, env.serde, env.prefix, { sign: SIGN_TEST_ORDERS });
  await send.send('price.ticks', [{ key: TICK.playerId, value: TICK }]);
  await newUser(pool, 'dl-fan', 10_000);
  const metrics = createSettlementMetrics('atomic-guard');
  settlement = await startSettlement({
    brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: roleDatabaseUrl(env, 'settlement'), topicPrefix: env.prefix,
    maxPriceAgeMs: 3_600_000, logger: createLogger('dead-letters-test', 'silent'), onFatal: (err) => { fatal.push(err); },
    onDeadLetter: metrics.observeDeadLetter,
  });
  metricsServer = await startMetricsServer(metrics.registry, 0);
  metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`;
}, 60_000);

afterAll(async () => {
  metricsServer?.close();
  await settlement?.stop();
  await producer?.disconnect();
  await pool?.end();
  await env?.cleanup();
});

describe('the dead-letter alert metric', () => {
  it('counts an order with a wrong magic byte and a tombstone on orders by reason, puts both on dead.letter with it, and settles the next order', async () => {
    expect(await deadLettersOfOrders()).toEqual({ no_value: 0, bad_frame: 0, unknown_schema: 0, bad_payload: 0, forged: 0 });

    const wrongMagic = await env.serde.encode('orders', order());
    wrongMagic[0] = 1;
    // Signed as the gateway signs, so what it meets is the bad frame, not a missing signature.
    await producer.send({ topic: topicName(env.prefix, 'orders'), acks: -1, messages: [{ key: 'dl-fan', value: wrongMagic, headers: signatureHeaders(TEST_ORDER_SIGNING_KEY, 'dl-fan', wrongMagic) }, { key: 'dl-fan', value: null }] });
    const next = order();
    await send.send('orders', [{ key: next.userId, value: next }]);

    await eventually('the order after the dead letters settled', async () =>
      (await pool.query('SELECT 1 FROM orders WHERE order_id = $1', [next.orderId])).rowCount === 1, 30_000);
    await eventually('both dead letters counted', async () => (await deadLettersOfOrders())['no_value'] === 1);
    expect(await deadLettersOfOrders()).toEqual({ no_value: 1, bad_frame: 1, unknown_schema: 0, bad_payload: 0, forged: 0 });

    const dead: Record<string, string>[] = [];
    const consumer = env.kafka.consumer({ groupId: `${env.prefix}dead-reader`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: topicName(env.prefix, DEAD_LETTER_TOPIC), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => {
      dead.push(Object.fromEntries(['x-reason', 'x-source-topic', 'x-source-offset'].map((h) => [h, String(message.headers?.[h])])));
    } });
    await eventually('both records on dead.letter', () => dead.length >= 2);
    await consumer.disconnect();
    expect(dead).toEqual([
      { 'x-reason': 'bad_frame', 'x-source-topic': topicName(env.prefix, 'orders'), 'x-source-offset': expect.any(String) },
      { 'x-reason': 'no_value', 'x-source-topic': topicName(env.prefix, 'orders'), 'x-source-offset': expect.any(String) },
    ]);
    expect(fatal).toEqual([]);
  });
});
