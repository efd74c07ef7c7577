// Issue 17's attack, on the real broker: the trust boundary around `orders`.
// Kafka authenticates every client (SASL/SCRAM) and authorizes it by the ACLs
// of libs/kafka acls.ts, and settlement settles only orders the gateway signed.
// Settlement runs here as deployed: its own Kafka principal and Postgres role.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, PriceTick } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import { kafkaSecurityFor } from '@inplay/infra';
import { createKafka, createProducer, DEAD_LETTER_TOPIC, recordSender, signatureHeaders, topicName, type KafkaSecurity, type Producer, type RecordSender } from '@inplay/kafka';
import { startSettlement, createUser, type RunningSettlement } from '@inplay/settlement';
import { createLogger } from '@inplay/telemetry';
import { eventually, grantServiceAcls, isolate, roleDatabaseUrl, TEST_ORDER_SIGNING_KEY, type IsolatedEnv } from '@inplay/testing';
import pg from 'pg';

let env: IsolatedEnv;
let pool: Pool;
let admin: Producer;
let asAdmin: RecordSender;
let settlement: RunningSettlement | undefined;
const fatal: Error[] = [];

const PLAYER = 'p-acl';
const ATTACKER = 'fan-1';
const VICTIM = 'fan-4';
const CASH_CENTS = 100_000;
const TICK: PriceTick = {
  playerId: PLAYER, matchId: 'm-acl', seq: 1, priceCents: 1_215, previousPriceCents: 1_215, cause: 'DRIFT', causeEventId: null, causeEventType: null,
  causeOccurredAt: null, lockedUntil: null, tickedAt: Date.now(),
};
const order = (userId: string, quantity = 1): Order => ({
  orderId: randomUUID(), userId, idempotencyKey: randomUUID(), bodyHash: 'h', playerId: PLAYER, side: 'BUY', quantity, limitPriceCents: null, placedAt: Date.now(),
});

/** A producer of `principal` (or of nobody) that tries once: a refusal surfaces at once instead of after the backoff. */
async function tryProduce(security: KafkaSecurity, value: Order): Promise<void> {
  const producer = createKafka({ brokers: env.infra.kafkaBrokers, ...security, clientId: `acl-${randomUUID().slice(0, 8)}`, retries: 0 }).producer();
  try {
    await producer.connect();
    const framed = await env.serde.encode('orders', value);
    await producer.send({ topic: topicName(env.prefix, 'orders'), acks: -1, messages: [{ key: value.userId, value: framed, headers: signatureHeaders(TEST_ORDER_SIGNING_KEY, value.userId, framed) }] });
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

const settledOrders = async (userId: string): Promise<number> => Number((await pool.query('SELECT count(*) AS n FROM orders WHERE user_id = $1', [userId])).rows[0].n);
const cashOf = async (userId: string): Promise<number> => Number((await pool.query('SELECT cash_cents FROM accounts WHERE user_id = $1', [userId])).rows[0].cash_cents);

beforeAll(async () => {
  env = await isolate();
  expect(env.kafkaSecurity.sasl, 'the suite broker authenticates clients').toBeDefined();
  await grantServiceAcls(env);
  pool = new pg.Pool({ connectionString: env.databaseUrl, max: 2 });
  for (const userId of [ATTACKER, VICTIM]) {
    const created = await createUser(env.databaseUrl, { userId, displayName: userId, cashCents: CASH_CENTS });
    expect(created.ok).toBe(true);
  }
  admin = createProducer(env.kafka);
  await admin.connect();
  asAdmin = recordSender(admin, env.serde, env.prefix);
  await asAdmin.send('price.ticks', [{ key: PLAYER, value: TICK }]);
  settlement = await startSettlement({
    brokers: env.infra.kafkaBrokers, kafkaSecurity: kafkaSecurityFor(env.infra, 'settlement'), orderSigningKey: TEST_ORDER_SIGNING_KEY,
    registryUrl: env.infra.schemaRegistryUrl, databaseUrl: roleDatabaseUrl(env, 'settlement'), topicPrefix: env.prefix,
    maxPriceAgeMs: 3_600_000, logger: createLogger('acl-test', 'silent'), onFatal: (err) => { fatal.push(err); },
  });
}, 120_000);

afterAll(async () => {
  await settlement?.stop();
  await admin?.disconnect();
  await pool?.end();
  await env?.cleanup();
});

describe('who may write orders', () => {
  it('refuses a client without credentials', async () => {
    await expect(tryProduce({}, order(ATTACKER))).rejects.toThrow();
  });

  it('refuses a client with a wrong password for the gateway principal', async () => {
    await expect(tryProduce({ sasl: { username: 'gateway', password: 'not-the-password' } }, order(ATTACKER))).rejects.toThrow(/SASL|authentication/i);
  });

  it('refuses the pricing principal: authenticated, but not authorized for orders', async () => {
    await expect(tryProduce(kafkaSecurityFor(env.infra, 'pricing'), order(ATTACKER))).rejects.toThrow(/authoriz/i);
    // Nor may it read them: joining fails, or the consumer crashes, with an authorization error.
    const consumer = createKafka({ brokers: env.infra.kafkaBrokers, ...kafkaSecurityFor(env.infra, 'pricing'), clientId: 'acl-pricing-reader', retries: 0 })
      .consumer({ groupId: `${env.prefix}pricing-acl-reader`, retry: { retries: 0 } });
    try {
      const crashed = new Promise<Error>((resolve) => consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error)));
      const refusal = await Promise.race([
        consumer.connect()
          .then(() => consumer.subscribe({ topic: topicName(env.prefix, 'orders'), fromBeginning: true }))
          .then(() => consumer.run({ eachMessage: async () => { throw new Error('pricing read an order'); } }))
          .then(() => crashed, (err: Error) => err),
        crashed,
      ]);
      expect(refusal.message).toMatch(/authoriz/i);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  });

  it('lets the gateway principal write a signed order, which settles', async () => {
    const mine = order(ATTACKER);
    await tryProduce(kafkaSecurityFor(env.infra, 'gateway'), mine);
    await eventually('the gateway\'s order settled', async () => (await pool.query('SELECT 1 FROM orders WHERE order_id = $1', [mine.orderId])).rowCount === 1, 30_000);
  });
});

describe('a forged order on the topic', () => {
  it('never reaches the ledger: a re-signed copy with another user and an unsigned one go to dead.letter as forged', async () => {
    const victimCash = await cashOf(VICTIM);
    // The issue's attack: take a real record off `orders`, make it fan-4's with 50 shares, and write it back.
    const genuine = order(ATTACKER);
    const genuineFramed = await env.serde.encode('orders', genuine);
    const genuineHeaders = signatureHeaders(TEST_ORDER_SIGNING_KEY, genuine.userId, genuineFramed);
    const forged: Order = { ...genuine, userId: VICTIM, orderId: randomUUID(), idempotencyKey: randomUUID(), quantity: 50 };
    const forgedFramed = await env.serde.encode('orders', forged);
    // Written by principals that may write the topic (the operator's super user, the gateway's login stolen),
    // one with the genuine record's signature carried over, one with none.
    await admin.send({ topic: topicName(env.prefix, 'orders'), acks: -1, messages: [
      { key: VICTIM, value: forgedFramed, headers: genuineHeaders },
      { key: VICTIM, value: forgedFramed },
    ] });
    const after = order(ATTACKER);
    await tryProduce(kafkaSecurityFor(env.infra, 'gateway'), after);

    await eventually('the order after the forgeries settled', async () => (await pool.query('SELECT 1 FROM orders WHERE order_id = $1', [after.orderId])).rowCount === 1, 30_000);
    expect(await settledOrders(VICTIM)).toBe(0);
    expect(await cashOf(VICTIM)).toBe(victimCash);
    expect((await pool.query('SELECT count(*) AS n FROM holdings WHERE user_id = $1', [VICTIM])).rows[0].n).toBe('0');

    const dead: string[] = [];
    const reader = env.kafka.consumer({ groupId: `${env.prefix}forged-reader`, maxWaitTimeInMs: 100 });
    await reader.connect();
    await reader.subscribe({ topic: topicName(env.prefix, DEAD_LETTER_TOPIC), fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => { dead.push(String(message.headers?.['x-reason'])); } });
    await eventually('both forgeries on dead.letter', () => dead.length >= 2);
    await reader.disconnect();
    expect(dead).toEqual(['forged', 'forged']);
    expect(fatal).toEqual([]);
  });
});
