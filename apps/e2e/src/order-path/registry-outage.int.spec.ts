// The schema registry away while an order with a schema id settlement has not
// cached yet arrives (a new compatible version of the Order schema): the
// order waits, is never dead-lettered, and settles once the registry is back.
// The registry is taken from settlement alone, through a TCP proxy that resets
// every connection, as a stopped registry or a partition would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueSubject, type Order } from '@inplay/contracts';
import { schemaOf } from '@inplay/contracts/schemas';
import type { Pool } from '@inplay/db';
import { createProducer, DEAD_LETTER_TOPIC, DECODE_RETRY, topicName, signatureHeaders } from '@inplay/kafka';
import { checkLedgerInvariants, startSettlement, type RunningSettlement } from '@inplay/settlement';
import { createLogger } from '@inplay/telemetry';
import { eventually, PLAYER_ID, PRICE_CENTS, startTcpProxy, type IsolatedEnv, type TcpProxy, TEST_ORDER_SIGNING_KEY, registryWriterHeaders } from '@inplay/testing';
import { newUser, postOrder, startOrderPathEnv, stopOrderPathEnv, type OrderPathEnv } from './intake.fixtures';

let path: OrderPathEnv | undefined;
let env: IsolatedEnv;
let pool: Pool;
let registry: TcpProxy;
let settlement: RunningSettlement | undefined;
const fatal: Error[] = [];

beforeAll(async () => {
  path = await startOrderPathEnv();
  ({ env, pool } = path);
  registry = await startTcpProxy(env.infra.schemaRegistryUrl);
  settlement = await startSettlement({
    brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: registry.proxied(env.infra.schemaRegistryUrl), databaseUrl: env.databaseUrl, topicPrefix: env.prefix,
    maxPriceAgeMs: 3_600_000, logger: createLogger('settlement-test', 'silent'), onFatal: (err) => { fatal.push(err); },
  });
});
afterAll(async () => {
  registry?.restore();
  await settlement?.stop();
  await registry?.close();
  await stopOrderPathEnv(path);
});

const recordsOn = async (topic: string): Promise<number> => {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topicName(env.prefix, topic as never))).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
};
/** Registers a schema version over the registry's REST API, as a producer with a newer schema would; returns its id. */
async function registerSchema(subject: string, schema: unknown): Promise<number> {
  const res = await fetch(`${env.infra.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST', body: JSON.stringify({ schema: JSON.stringify(schema) }),
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...registryWriterHeaders(env.infra) },
  });
  if (!res.ok) throw new Error(`registering ${subject}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}
const orderRow = async (orderId: string) => (await pool.query<{ status: string }>('SELECT status FROM orders WHERE order_id = $1', [orderId])).rows[0];

describe('settlement while the schema registry is away', () => {
  it('holds an order with a schema id it has never seen until the registry is back, then settles it once and dead-letters nothing', async () => {
    const token = await newUser(pool, 'reggie', 10_000);
    // Settled through the normal path first: settlement has the current Order schema cached.
    const warm = await postOrder(path!.intake.url, token, 'warm', { playerId: PLAYER_ID, side: 'buy', quantity: 1 }, { prefer: 'wait=10' });
    expect(warm.status).toBe(200);

    registry.cut();
    // A compatible new version of the Order schema, registered directly (not through the proxy): a schema id settlement has not cached.
    const order = schemaOf('Order');
    const newSchemaId = await registerSchema(valueSubject(topicName(env.prefix, 'orders')), { ...order, fields: [...order.fields, { name: 'channel', type: ['null', 'string'], default: null }] });
    expect(newSchemaId).not.toBe(env.serde.schemaId('orders'));
    const late: Order & { channel: string } = {
      orderId: 'o-new-schema', userId: 'reggie', idempotencyKey: 'new-schema', bodyHash: 'h', playerId: PLAYER_ID, side: 'BUY', quantity: 2,
      limitPriceCents: null, placedAt: Date.now(), channel: 'app',
    };
    const producer = createProducer(env.kafka);
    await producer.connect();
    const lateValue = await env.serde.registry.encode(newSchemaId, late);
    await producer.send({ topic: topicName(env.prefix, 'orders'), acks: -1, messages: [{ key: late.userId, value: lateValue, headers: signatureHeaders(TEST_ORDER_SIGNING_KEY, late.userId, lateValue) }] });
    await producer.disconnect();

    // Past one whole decode budget of refusals: the batch failed and is being read again, not skipped.
    await eventually('settlement retrying past one decode budget', () => {
      const { firstAtMs, lastAtMs } = registry.refused();
      return firstAtMs !== null && lastAtMs !== null && lastAtMs - firstAtMs > DECODE_RETRY.decodeRetryBudgetMs;
    }, 60_000);
    expect(await orderRow(late.orderId)).toBeUndefined();
    expect(await recordsOn(DEAD_LETTER_TOPIC)).toBe(0);

    registry.restore();
    await eventually('the order settled once the registry is back', () => orderRow(late.orderId), 60_000);
    expect(await orderRow(late.orderId)).toEqual({ status: 'FILLED' });
    const cash = await pool.query<{ cash_cents: string }>("SELECT cash_cents FROM accounts WHERE user_id = 'reggie'");
    expect(Number(cash.rows[0]?.cash_cents)).toBe(10_000 - 3 * PRICE_CENTS);
    expect(await recordsOn(DEAD_LETTER_TOPIC)).toBe(0);
    expect(await checkLedgerInvariants(pool)).toMatchObject({ violations: 0 });
    expect(fatal).toEqual([]);
  }, 180_000);
});
