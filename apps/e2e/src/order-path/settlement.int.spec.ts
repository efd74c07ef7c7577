// Acceptance 1 and 2 of the orders issue on real Kafka and Postgres: HTTP
// intake → orders → settlement → Postgres ledger + outbox → order.results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import { createLogger } from '@inplay/telemetry';
import { checkLedgerInvariants, startSettlement, type RunningSettlement } from '@inplay/settlement';
import { concurrently, eventually, PLAYER_ID, PRICE_CENTS, roleDatabaseUrl, type IsolatedEnv, TEST_ORDER_SIGNING_KEY } from '@inplay/testing';
import { newUser, postOrder, startIntake, startOrderPathEnv, stopOrderPathEnv, userRecords, type IntakeServer, type OrderPathEnv } from './intake.fixtures';

let path: OrderPathEnv | undefined;
let env: IsolatedEnv;
let pool: Pool;
let settlement: RunningSettlement;
let intake: IntakeServer;

const start = () => startSettlement({
  brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: roleDatabaseUrl(env, 'settlement'), topicPrefix: env.prefix,
  maxPriceAgeMs: 3_600_000, logger: createLogger('settlement-test', 'silent'), onFatal: (err) => { throw err; },
});

beforeAll(async () => {
  path = await startOrderPathEnv();
  ({ env, pool, intake } = path);
  settlement = await start();
});

afterAll(async () => {
  await intake?.stop();
  await settlement?.stop();
  await stopOrderPathEnv(path && { pool: path.pool, env: path.env });
});

describe('orders and settlement, end to end', () => {
  it('fills exactly the affordable prefix of 2,000 orders from 50 concurrent clients and never lets cash go below zero', async () => {
    const token = await newUser(pool, 'alice', 150_000);
    const quantities = Array.from({ length: 2_000 }, (_, i) => 1 + (i % 3));
    const answers = await concurrently(2_000, 50, (i) => postOrder(intake.url, token, `a-${i}`, { playerId: PLAYER_ID, side: 'buy', quantity: quantities[i] }));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const accepted = new Set(answers.map((a) => a.body.orderId));
    expect(accepted.size).toBe(2_000);

    await eventually('every order settled', async () => Number((await pool.query("SELECT count(*) AS n FROM orders WHERE user_id = 'alice'")).rows[0].n) === 2_000, 60_000);
    const { rows } = await pool.query<{ order_id: string; status: string; reason: string | null }>("SELECT order_id, status, reason FROM orders WHERE user_id = 'alice'");
    const statusOf = new Map(rows.map((r) => [r.order_id, r.status]));

    // Replay the log in order against the starting cash: that is the one correct outcome.
    let cashCents = 150_000;
    const expected = (await userRecords<Order>(env, 'orders', 'alice', 2_000)).map((o) => {
      const cost = o.quantity * PRICE_CENTS;
      if (cost > cashCents) return [o.orderId, 'REJECTED'] as const;
      cashCents -= cost;
      return [o.orderId, 'FILLED'] as const;
    });
    expect(expected.map(([id]) => statusOf.get(id))).toEqual(expected.map(([, s]) => s));
    expect(rows.filter((r) => r.status === 'REJECTED').every((r) => r.reason === 'INSUFFICIENT_FUNDS')).toBe(true);
    const account = await pool.query("SELECT cash_cents FROM accounts WHERE user_id = 'alice'");
    expect(Number(account.rows[0].cash_cents)).toBe(cashCents);
    expect(await checkLedgerInvariants(pool)).toMatchObject({ violations: 0 });
    await eventually('one result per order published', async () =>
      Number((await pool.query("SELECT count(*) AS n FROM outbox WHERE sent_at IS NOT NULL AND payload->>'userId' = 'alice' AND topic LIKE '%order.results'")).rows[0].n) === 2_000);
  }, 120_000);

  it('executes an Idempotency-Key sent 20 times concurrently once, and answers the same after a restart', async () => {
    const token = await newUser(pool, 'bob', 10_000);
    const body = { playerId: PLAYER_ID, side: 'buy', quantity: 3 };
    const answers = await concurrently(20, 20, () => postOrder(intake.url, token, 'same-key', body, { prefer: 'wait=10' }));
    const orderIds = new Set(answers.map((a) => a.body.orderId));
    expect(orderIds.size).toBe(1);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => JSON.stringify(a.body.result)))).toHaveProperty('size', 1);

    await intake.stop();
    await settlement.stop();
    settlement = await start();
    intake = await startIntake(env);

    const again = await postOrder(intake.url, token, 'same-key', body, { prefer: 'wait=10' });
    expect(again.status).toBe(200);
    expect(again.body.orderId).toBe([...orderIds][0]);
    expect(JSON.stringify(again.body.result)).toBe(JSON.stringify(answers[0]?.body.result));
    const different = await postOrder(intake.url, token, 'same-key', { ...body, quantity: 4 });
    expect(different).toMatchObject({ status: 422, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });

    const counts = await pool.query(`SELECT (SELECT count(*) FROM orders WHERE user_id = 'bob') AS orders,
      (SELECT count(*) FROM ledger_entries WHERE transaction_id = $1) AS postings, (SELECT cash_cents FROM accounts WHERE user_id = 'bob') AS cash`, [again.body.orderId]);
    expect(counts.rows[0]).toEqual({ orders: '1', postings: '2', cash: String(10_000 - 3 * PRICE_CENTS) });
  }, 120_000);
});
