// Settlement's batching limits at their edge, on real Kafka and Postgres:
// orders waiting on the log are settled in transactions of at most
// maxOrdersPerTransaction, their results and trades published in round trips
// of at most outboxBatchRows, and every order still gets exactly one result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderResult } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import { createLogger } from '@inplay/telemetry';
import { startSettlement, type RunningSettlement } from '@inplay/settlement';
import { eventually, PLAYER_ID, type IsolatedEnv, TEST_ORDER_SIGNING_KEY } from '@inplay/testing';
import { newUser, postOrder, startOrderPathEnv, stopOrderPathEnv, userRecords, type IntakeServer, type OrderPathEnv } from './intake.fixtures';

const ORDERS = 7;
const PER_TRANSACTION = 3;
const OUTBOX_ROWS = 2;

let path: OrderPathEnv | undefined;
let env: IsolatedEnv;
let pool: Pool;
let intake: IntakeServer;
let settlement: RunningSettlement | undefined;

beforeAll(async () => {
  path = await startOrderPathEnv();
  ({ env, pool, intake } = path);
});

afterAll(async () => {
  await intake?.stop();
  await settlement?.stop();
  await stopOrderPathEnv(path && { pool: path.pool, env: path.env });
});

describe('settlement batching limits', () => {
  it(`settles ${ORDERS} waiting orders in transactions of at most ${PER_TRANSACTION} and relays rows ${OUTBOX_ROWS} at a time, each order once`, async () => {
    const token = await newUser(pool, 'limits', 1_000_000);
    const answers = [];
    // Settlement is not running yet: the orders wait on the log and arrive in one fetch.
    for (let i = 0; i < ORDERS; i++) answers.push(await postOrder(intake.url, token, `limit-${i}`, { playerId: PLAYER_ID, side: 'buy', quantity: 1 }));
    expect(answers.map((a) => a.status)).toEqual(Array(ORDERS).fill(202));
    const accepted = new Set(answers.map((a) => a.body.orderId as string));

    const transactions: number[] = [];
    const relayed: number[] = [];
    settlement = await startSettlement({
      brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, topicPrefix: env.prefix,
      maxPriceAgeMs: 3_600_000, logger: createLogger('settlement-test', 'silent'), onFatal: (err) => { throw err; },
      maxOrdersPerTransaction: PER_TRANSACTION, outboxBatchRows: OUTBOX_ROWS,
      onSettled: (batch) => transactions.push(batch.results.length),
      onRelayed: (rows) => relayed.push(rows),
    });

    const results = await userRecords<OrderResult>(env, 'order.results', 'limits', ORDERS);
    expect(new Set(results.map((r) => r.orderId))).toEqual(accepted);
    expect(results).toHaveLength(ORDERS);
    expect(results.every((r) => r.status === 'FILLED')).toBe(true);

    expect(transactions.reduce((a, b) => a + b, 0)).toBe(ORDERS);
    expect(Math.max(...transactions)).toBe(PER_TRANSACTION);
    // A result and a trade per fill: every row published once, no round trip over the limit, some at it.
    await eventually('the outbox drained', async () => (await settlement!.outboxBacklog()).unsentRows === 0, 10_000);
    expect(relayed.reduce((a, b) => a + b, 0)).toBe(2 * ORDERS);
    expect(Math.max(...relayed)).toBe(OUTBOX_ROWS);

    const { rows } = await pool.query<{ orders: string; distinct_ids: string }>(
      `SELECT count(*) AS orders, count(DISTINCT order_id) AS distinct_ids FROM orders WHERE user_id = 'limits'`);
    expect(rows[0]).toEqual({ orders: String(ORDERS), distinct_ids: String(ORDERS) });
  }, 120_000);

  it('refuses a limit that is not a positive integer before it connects to anything', async () => {
    await expect(startSettlement({
      brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, topicPrefix: env.prefix,
      logger: createLogger('settlement-test', 'silent'), onFatal: (err) => { throw err; }, maxOrdersPerTransaction: 0,
    })).rejects.toThrow(/maxOrdersPerTransaction must be a positive integer, got 0/);
    await expect(startSettlement({
      brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, topicPrefix: env.prefix,
      logger: createLogger('settlement-test', 'silent'), onFatal: (err) => { throw err; }, outboxBatchRows: 1.5,
    })).rejects.toThrow(/outboxBatchRows must be a positive integer, got 1.5/);
  }, 60_000);
});
