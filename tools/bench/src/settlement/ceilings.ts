// What the parts of the order path can do alone, on the same box in the same
// run as the end-to-end phases: Postgres settling pre-built batches (no HTTP,
// no Kafka), and a Kafka produce→consume round trip of the same order records
// with kafkajs and with @platformatic/kafka (idempotent producers, acks from
// all in-sync replicas). End-to-end is reported as a fraction of the lower.
import { randomUUID } from 'node:crypto';
import type { Order } from '@inplay/contracts';
import { createProducer, createTopicsServed, topicName, type Kafka, type KafkaSecurity } from '@inplay/kafka';
import { NO_FAIRNESS, settlementDecider, type OrderToSettle } from '@inplay/domain';
import { inTransactionWithRetry, settleOrders, settlementStrategy, MAX_ORDERS_PER_TRANSACTION } from '@inplay/settlement';
import type { BenchEnv, BenchUser, MarketPlayer } from './harness';
import { BENCH_MAX_PRICE_AGE_MS } from './harness';
import { randomOrderBody, seededRandom } from './load';

/** Orders settled by the Postgres ceiling; records moved by each Kafka round trip. */
export const CEILING_ORDERS = 30_000;
/** Records per produce request in the Kafka ceilings (what the intake's batching gathers under load). */
export const CEILING_PRODUCE_BATCH = 500;

export interface Ceilings {
  postgres: { ordersPerSec: number; transactions: number; ordersPerTransaction: number };
  kafka: Record<'kafkajs' | 'platformatic', { produceRecordsPerSec: number; consumeRecordsPerSec: number; roundTripRecordsPerSec: number; error?: string }>;
}

function benchOrders(users: readonly BenchUser[], players: readonly MarketPlayer[], n: number, seed: number): Order[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const body = randomOrderBody(random, players);
    const userId = users[Math.floor(random() * users.length)]!.userId;
    return {
      orderId: randomUUID(), userId, idempotencyKey: randomUUID(), bodyHash: 'ceiling', playerId: body.playerId, side: body.side === 'buy' ? 'BUY' : 'SELL',
      quantity: body.quantity, limitPriceCents: body.limitPrice ?? null, placedAt: Date.now(),
    };
  });
}

/** Settlement's transaction alone: batches of MAX_ORDERS_PER_TRANSACTION through settleOrders, two connections side by side (as two partitions would). */
export async function postgresCeiling(env: BenchEnv, market: { users: readonly BenchUser[]; players: readonly MarketPlayer[] }): Promise<Ceilings['postgres']> {
  const prices = new Map(market.players.map((p) => [p.playerId, { playerId: p.playerId, priceCents: p.priceCents, seq: p.tickSeq, tickedAt: Date.now(), lockedUntil: null }]));
  const ctx = {
    decider: settlementDecider({ maxPriceAgeMs: BENCH_MAX_PRICE_AGE_MS, fairness: NO_FAIRNESS }), strategy: settlementStrategy('atomic-guard'),
    prices: (playerId: string) => prices.get(playerId), policyOf: () => NO_FAIRNESS, now: Date.now,
    resultsTopic: topicName(env.prefix, 'order.results'), tradesTopic: topicName(env.prefix, 'trades'),
  };
  // Two lanes of users, so the two connections never wait on each other's accounts (as two partitions of `orders`).
  const lanes = [0, 1].map((lane) => benchOrders(market.users.filter((_, i) => i % 2 === lane), market.players, CEILING_ORDERS / 2, 7 + lane));
  const startedAt = performance.now();
  let transactions = 0;
  await Promise.all(lanes.map(async (orders) => {
    for (let i = 0; i < orders.length; i += MAX_ORDERS_PER_TRANSACTION) {
      const batch: OrderToSettle[] = orders.slice(i, i + MAX_ORDERS_PER_TRANSACTION);
      await inTransactionWithRetry(env.pool, (client) => settleOrders(client, batch, ctx));
      transactions += 1;
    }
  }));
  const seconds = (performance.now() - startedAt) / 1_000;
  return { ordersPerSec: Math.round(CEILING_ORDERS / seconds), transactions, ordersPerTransaction: MAX_ORDERS_PER_TRANSACTION };
}

/** The same encoded order records through each client, each on a fresh topic of its own (6 partitions, as `orders`): consuming starts first, then producing, so the round trip is end to end. */
export async function kafkaCeilings(env: BenchEnv, market: { users: readonly BenchUser[]; players: readonly MarketPlayer[] }, o: { brokers: string[]; kafkaSecurity?: KafkaSecurity | undefined }): Promise<Ceilings['kafka']> {
  const orders = benchOrders(market.users, market.players, CEILING_ORDERS, 11);
  const records = await Promise.all(orders.map(async (order) => ({ key: order.userId, value: await env.serde.encode('orders', order) })));
  const kafkajs = await kafkajsRoundTrip(env.kafka, await ceilingTopic(env, 'kafkajs'), records).catch((err: Error) => ({ ...zero, error: err.message }));
  const platformatic = await platformaticRoundTrip(o.brokers, o.kafkaSecurity, await ceilingTopic(env, 'platformatic'), records).catch((err: Error) => ({ ...zero, error: err.message }));
  return { kafkajs, platformatic };
}

const zero = { produceRecordsPerSec: 0, consumeRecordsPerSec: 0, roundTripRecordsPerSec: 0 };
type Encoded = { key: string; value: Buffer }[];
const perSec = (n: number, ms: number) => Math.round((n * 1_000) / Math.max(1, ms));
/** How long a client may take to read every record back before the ceiling counts as failed. */
const CEILING_TIMEOUT_MS = 60_000;

async function ceilingTopic(env: BenchEnv, client: string): Promise<string> {
  const topic = `${env.prefix}ceiling-${client}`;
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    await createTopicsServed(admin, [{ topic, numPartitions: 6, replicationFactor: 1 }]);
  } finally {
    await admin.disconnect();
  }
  return topic;
}

function roundTrip(total: number, t: { startedAt: number; producedAt: number; firstConsumedAt: number; lastConsumedAt: number }) {
  return {
    produceRecordsPerSec: perSec(total, t.producedAt - t.startedAt),
    consumeRecordsPerSec: perSec(total, t.lastConsumedAt - t.firstConsumedAt),
    roundTripRecordsPerSec: perSec(total, t.lastConsumedAt - t.startedAt),
  };
}

async function kafkajsRoundTrip(kafka: Kafka, topic: string, records: Encoded) {
  const producer = createProducer(kafka);
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `ceiling-kafkajs-${randomUUID()}`, maxWaitTimeInMs: 50 });
  const t = { startedAt: 0, producedAt: 0, firstConsumedAt: 0, lastConsumedAt: 0 };
  let consumed = 0;
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await consumer.run({ autoCommit: false, partitionsConsumedConcurrently: 6, eachBatch: async ({ batch }) => {
      t.firstConsumedAt ||= performance.now();
      consumed += batch.messages.length;
      t.lastConsumedAt = performance.now();
    } });
    await joined;
    t.startedAt = performance.now();
    for (let i = 0; i < records.length; i += CEILING_PRODUCE_BATCH) await producer.send({ topic, messages: records.slice(i, i + CEILING_PRODUCE_BATCH), acks: -1 });
    t.producedAt = performance.now();
    const deadline = performance.now() + CEILING_TIMEOUT_MS;
    while (consumed < records.length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (consumed < records.length) throw new Error(`kafkajs read back ${consumed} of ${records.length}`);
    return roundTrip(records.length, t);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

/** @platformatic/kafka 2.12 calls Promise.withResolvers (Node ≥ 22); on Node 20 it needs this to run at all. */
function polyfillWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= () => {
    let resolve: (v: unknown) => void = () => undefined;
    let reject: (e: unknown) => void = () => undefined;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

async function platformaticRoundTrip(brokers: string[], security: KafkaSecurity | undefined, topic: string, records: Encoded) {
  polyfillWithResolvers();
  const { Producer, Consumer, MessagesStreamModes } = await import('@platformatic/kafka');
  const sasl = security?.sasl ? { sasl: { mechanism: 'SCRAM-SHA-512' as const, username: security.sasl.username, password: security.sasl.password } } : {};
  const producer = new Producer({ clientId: 'ceiling-platformatic', bootstrapBrokers: brokers, idempotent: true, ...sasl });
  const consumer = new Consumer({ clientId: 'ceiling-platformatic-c', groupId: `ceiling-platformatic-${randomUUID()}`, bootstrapBrokers: brokers, maxWaitTime: 50, ...sasl });
  const t = { startedAt: 0, producedAt: 0, firstConsumedAt: 0, lastConsumedAt: 0 };
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
    let consumed = 0;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`platformatic read back ${consumed} of ${records.length}`)), CEILING_TIMEOUT_MS);
      stream.on('data', () => {
        t.firstConsumedAt ||= performance.now();
        consumed += 1;
        t.lastConsumedAt = performance.now();
        if (consumed >= records.length) { clearTimeout(timer); resolve(); }
      });
      stream.on('error', reject);
    });
    t.startedAt = performance.now();
    for (let i = 0; i < records.length; i += CEILING_PRODUCE_BATCH) {
      await producer.send({ messages: records.slice(i, i + CEILING_PRODUCE_BATCH).map((r) => ({ topic, key: Buffer.from(r.key), value: r.value })) });
    }
    t.producedAt = performance.now();
    await done;
    await stream.close();
    return roundTrip(records.length, t);
  } finally {
    await consumer.close(true).catch(() => undefined);
    await producer.close().catch(() => undefined);
  }
}
