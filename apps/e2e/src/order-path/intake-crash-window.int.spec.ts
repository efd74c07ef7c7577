// The intake's crash window: a gateway claims an Idempotency-Key, then dies
// before producing the order, and the client never retries. Staged with the
// intake's own claim code and no send; then a gateway starts, its claim
// sweeper sends the stored order again past the grace, and the key ends with
// exactly one result on order.results and one effect in the ledger. An order
// taken the normal way is only marked by the sweep, never sent twice.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '@inplay/db';
import { createOrderStore, orderRoutes, parseOrderBody } from '@inplay/gateway';
import { topicName } from '@inplay/kafka';
import { checkLedgerInvariants, SETTLEMENT_GROUP_ID, startSettlement, type RunningSettlement } from '@inplay/settlement';
import { createLogger } from '@inplay/telemetry';
import { eventually, isolate, PLAYER_ID, PRICE_CENTS, seedMarket, testPool, type IsolatedEnv, TEST_ORDER_SIGNING_KEY } from '@inplay/testing';
import { startTestGateway } from '../gateway.fixtures';
import { newUser, postOrder } from './intake.fixtures';

const CASH_CENTS = 10_000;
/** Short, so the spec is quick; far longer than claim → produce → settle on an idle settlement. */
const GRACE_MS = 2_000;

let env: IsolatedEnv;
let pool: Pool;
let settlement: RunningSettlement | undefined;
let gateway: Awaited<ReturnType<typeof startTestGateway>> | undefined;

beforeAll(async () => {
  env = await isolate();
  pool = testPool(env);
  await seedMarket(env, pool);
  settlement = await startSettlement({
    brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, topicPrefix: env.prefix,
    maxPriceAgeMs: 3_600_000, logger: createLogger('settlement-test', 'silent'), onFatal: (err) => { throw err; },
  });
});
afterAll(async () => {
  await gateway?.stop();
  await settlement?.stop();
  await pool?.end();
  await env?.cleanup();
});

const recordsOn = async (topic: 'orders' | 'order.results'): Promise<number> => {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topicName(env.prefix, topic))).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
};
/** Settlement has consumed everything on `orders` (its offsets, stored with its effects, reach the topic's end). */
const ordersAllConsumed = async (): Promise<boolean> => {
  const consumed = await pool.query<{ n: string | null }>('SELECT sum(next_offset) AS n FROM consumer_offsets WHERE group_id = $1', [`${env.prefix}${SETTLEMENT_GROUP_ID}`]);
  return Number(consumed.rows[0]?.n ?? 0) === (await recordsOn('orders'));
};
const sweptAt = async (key: string) => (await pool.query<{ swept_at: Date | null }>('SELECT swept_at FROM order_keys WHERE idempotency_key = $1', [key])).rows[0]?.swept_at ?? null;

describe('a gateway dying between claiming a key and producing its order', () => {
  it('still ends the key with exactly one result and one effect, and a retry afterwards executes nothing', async () => {
    const token = await newUser(pool, 'cara', CASH_CENTS);
    const body = { playerId: PLAYER_ID, side: 'buy', quantity: 4 };
    const parsed = parseOrderBody(Buffer.from(JSON.stringify(body)));
    if (!parsed.ok) throw new Error(parsed.error.message);
    // The first half of POST /orders, as the intake does it, and then the crash: nothing produced.
    const claimed = await createOrderStore(pool).claimKey('cara', 'lost-in-crash', parsed.order, { orderId: randomUUID(), placedAt: Date.now() });
    expect(claimed.fresh).toBe(true);
    expect(await recordsOn('orders')).toBe(0);

    gateway = await startTestGateway(env, [orderRoutes({ rateLimit: { ordersPerSecond: 1_000, burstOrders: 1_000 } })], { unsentClaimGraceMs: GRACE_MS, unsentClaimSweepMs: 200 });
    await eventually('the claimed order settled', async () => (await pool.query('SELECT 1 FROM orders WHERE order_id = $1', [claimed.orderId])).rowCount === 1, 30_000);

    // An order taken the normal way meanwhile: settled within the grace, so the sweep only marks it.
    const normal = await postOrder(gateway.url, token, 'taken-normally', { ...body, quantity: 1 }, { prefer: 'wait=10' });
    expect(normal.status).toBe(200);
    await eventually('both claims swept', async () => (await sweptAt('lost-in-crash')) !== null && (await sweptAt('taken-normally')) !== null, 30_000);
    await eventually('settlement consumed every record on orders', ordersAllConsumed, 30_000);
    await eventually('every result published', async () => Number((await pool.query('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL')).rows[0].n) === 0, 30_000);

    // One record per key on orders (the sweeper's for the lost one, the intake's for the other), one result each.
    expect(await recordsOn('orders')).toBe(2);
    expect(await recordsOn('order.results')).toBe(2);
    const effect = await pool.query(`SELECT (SELECT status FROM orders WHERE order_id = $1) AS status,
      (SELECT count(*) FROM orders WHERE user_id = 'cara' AND idempotency_key = 'lost-in-crash') AS rows,
      (SELECT count(*) FROM ledger_entries WHERE transaction_id = $1) AS postings`, [claimed.orderId]);
    expect(effect.rows[0]).toEqual({ status: 'FILLED', rows: '1', postings: '2' });
    const cash = await pool.query("SELECT cash_cents FROM accounts WHERE user_id = 'cara'");
    expect(Number(cash.rows[0].cash_cents)).toBe(CASH_CENTS - 5 * PRICE_CENTS);
    expect(await checkLedgerInvariants(pool)).toMatchObject({ violations: 0 });

    // The client coming back after all: the same order and result, nothing executed again.
    const retry = await postOrder(gateway.url, token, 'lost-in-crash', body, { prefer: 'wait=10' });
    expect(retry).toMatchObject({ status: 200, body: { orderId: claimed.orderId, status: 'FILLED' } });
    expect(Number((await pool.query("SELECT cash_cents FROM accounts WHERE user_id = 'cara'")).rows[0].cash_cents)).toBe(CASH_CENTS - 5 * PRICE_CENTS);
    expect(await recordsOn('orders')).toBe(2);
  }, 120_000);
});
