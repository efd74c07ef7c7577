// Acceptance 4: under the load of acceptance 1 settled concurrently (50
// workers on one user's account, no partition serializing them), every
// correct strategy keeps cash and ledger exact and the naive baseline
// (read cash in the application, then write) overspends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '@inplay/db';
import { settlementDecider, NO_FAIRNESS, type OrderToSettle } from '@inplay/domain';
import { isolate, type IsolatedEnv } from '@inplay/testing';
import { checkLedgerInvariants } from './audit';
import { inTransactionWithRetry, settleOrders } from './settle-orders';
import { settlementStrategy, type StrategyName } from './strategies';
import { concurrently, newUser, testPool } from '../test/settlement.fixtures';

const ORDERS = 2_000;
const CLIENTS = 50;
const ORDERS_PER_TRANSACTION = 5;
const PRICE_CENTS = 100;
const CASH_CENTS = 100_000; // covers 1,000 of the 2,000 one-share buys

let env: IsolatedEnv;
let pool: Pool;

beforeAll(async () => {
  env = await isolate({ topics: false });
  pool = testPool(env);
});
afterAll(async () => {
  await pool?.end();
  await env?.cleanup();
});

const contextFor = (strategyName: StrategyName) => ({
  decider: settlementDecider({ maxPriceAgeMs: 60_000, fairness: NO_FAIRNESS }),
  policyOf: () => NO_FAIRNESS,
  strategy: settlementStrategy(strategyName),
  prices: (playerId: string) => ({ playerId, priceCents: PRICE_CENTS, seq: 1, tickedAt: Date.now(), lockedUntil: null }),
  now: Date.now,
  resultsTopic: 'order.results',
  tradesTopic: 'trades',
});

async function settleConcurrently(strategyName: StrategyName, userId: string): Promise<{ filledCostCents: number; cashCents: number }> {
  await newUser(pool, userId, CASH_CENTS);
  const ctx = contextFor(strategyName);
  const orders: OrderToSettle[] = Array.from({ length: ORDERS }, (_, i) => ({
    orderId: `${userId}-${i}`, userId, idempotencyKey: `k${i}`, playerId: 'p1', side: 'BUY', quantity: 1, limitPriceCents: null, placedAt: Date.now(),
  }));
  await concurrently(ORDERS / ORDERS_PER_TRANSACTION, CLIENTS, (i) =>
    inTransactionWithRetry(pool, (client) => settleOrders(client, orders.slice(i * ORDERS_PER_TRANSACTION, (i + 1) * ORDERS_PER_TRANSACTION), ctx)));
  const { rows } = await pool.query(`SELECT (SELECT coalesce(sum(cost_cents), 0) FROM orders WHERE user_id = $1 AND status = 'FILLED') AS cost,
    (SELECT cash_cents FROM accounts WHERE user_id = $1) AS cash`, [userId]);
  return { filledCostCents: Number(rows[0].cost), cashCents: Number(rows[0].cash) };
}

describe('settlement strategies under contention', () => {
  for (const name of ['atomic-guard', 'optimistic', 'select-for-update'] as const) {
    it(`${name} never spends more than the user has, and the ledger matches the account`, async () => {
      const outcome = await settleConcurrently(name, `u-${name}`);
      expect(outcome).toEqual({ filledCostCents: CASH_CENTS, cashCents: 0 });
      expect(await checkLedgerInvariants(pool)).toMatchObject({ violations: 0 });
    }, 120_000);
  }

  it('settles batches that share users, concurrently and in opposite orders, without a single deadlock', async () => {
    const users = Array.from({ length: 8 }, (_, i) => `x-${i}`);
    for (const u of users) await newUser(pool, u, CASH_CENTS);
    const ctx = contextFor('atomic-guard');
    const deadlocks: Error[] = [];
    // Each batch holds one order of every user; half list the users forwards, half backwards.
    await concurrently(200, 20, (i) => {
      const order = i % 2 === 0 ? users : [...users].reverse();
      const orders: OrderToSettle[] = order.map((u) => ({ orderId: `x${i}-${u}`, userId: u, idempotencyKey: `x${i}`, playerId: 'p1', side: 'BUY', quantity: 1, limitPriceCents: null, placedAt: Date.now() }));
      return inTransactionWithRetry(pool, (client) => settleOrders(client, orders, ctx), (err) => { if ((err as { code?: string }).code === '40P01') deadlocks.push(err); });
    });
    expect(deadlocks).toEqual([]);
    const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM orders WHERE user_id LIKE 'x-%' AND status = 'FILLED'");
    expect(Number(rows[0]!.n)).toBe(200 * users.length);
  }, 120_000);

  it('the naive read-then-write baseline overspends under the same load, which is why the guard exists', async () => {
    const outcome = await settleConcurrently('naive', 'u-naive');
    expect(outcome.filledCostCents).toBeGreaterThan(CASH_CENTS);
    expect((await checkLedgerInvariants(pool)).cashMismatches).toBeGreaterThan(0);
  }, 120_000);
});
