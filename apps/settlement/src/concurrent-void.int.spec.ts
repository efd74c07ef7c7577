// A late-event void and an order batch of the same user, on real Postgres, in
// the interleaving kill -9 made likely (settlement catching up on orders while
// it replays recent EVENT ticks): the void commits while the batch is under
// way. Every result must state the cash the user really had after it, in the
// order the results reach the outbox (what the relay publishes and the audit
// folds); a batch that decided on a balance read before the void must not
// commit what it decided.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderResult } from '@inplay/contracts';
import { createPool, type Pool, type PoolClient } from '@inplay/db';
import { settlementDecider, type FairnessPolicyConfig, type OrderToSettle } from '@inplay/domain';
import { createLogger } from '@inplay/telemetry';
import { eventually, isolate, type IsolatedEnv } from '@inplay/testing';
import { startLateEventVoids } from './late-event-voids';
import { inTransactionWithRetry, settleOrders, type SettleContext } from './settle-orders';
import { settlementStrategy } from './strategies';
import { newUser } from '../test/settlement.fixtures';

const CASH = 100_000;
const PRICE_CENTS = 1_000;
const EVENT_AT = Date.UTC(2026, 10, 24, 18, 0, 0);
const POLICY: FairnessPolicyConfig = { policy: 'event-time-void', voidHorizonMs: 45_000 };

let env: IsolatedEnv;
let pool: Pool;
let batchPool: Pool;
let voidPool: Pool;
const names = { batch: `batch-${randomBytes(3).toString('hex')}`, void: `void-${randomBytes(3).toString('hex')}` };
const NOW = EVENT_AT + 2_000;

const decider = settlementDecider({ maxPriceAgeMs: 3_600_000, fairness: () => POLICY });
const ctx: SettleContext = {
  decider, strategy: settlementStrategy('atomic-guard'), policyOf: () => POLICY, now: () => NOW,
  prices: (playerId) => ({ playerId, priceCents: PRICE_CENTS, seq: 1, tickedAt: EVENT_AT - 10_000, lockedUntil: null }),
  resultsTopic: 'order.results', tradesTopic: 'trades',
};
const buy = (orderId: string, playerId: string, quantity: number, placedAt: number): OrderToSettle => ({
  orderId, userId: 'fan', idempotencyKey: orderId, playerId, side: 'BUY', quantity, limitPriceCents: null, placedAt,
});

/** Connections of `pool` (by application name) waiting for a lock. */
const waiting = async (applicationName: string): Promise<number> =>
  Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [applicationName])).rows[0]?.n);

beforeAll(async () => {
  env = await isolate({ topics: false });
  pool = createPool(env.databaseUrl, { max: 4 });
  batchPool = createPool(env.databaseUrl, { max: 2, applicationName: names.batch });
  voidPool = createPool(env.databaseUrl, { max: 2, applicationName: names.void });
  await newUser(pool, 'fan', CASH);
});
afterAll(async () => {
  for (const p of [batchPool, voidPool, pool]) await p?.end();
  await env?.cleanup();
});

describe('a late-event void committing while a batch of the same user is under way', () => {
  it('leaves every result stating the cash the user had after it, in outbox order', async () => {
    // A fill of p-goal placed after the goal happened, priced before its tick: the goal's tick will void it.
    await inTransactionWithRetry(pool, (c) => settleOrders(c, [buy('late-fill', 'p-goal', 3, EVENT_AT + 1_000)], ctx));

    // The test holds the account row, so that the void and then the batch queue behind it in that order.
    const holder: PoolClient = await pool.connect();
    let voided: Promise<void> | undefined;
    let batch: Promise<unknown> | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM accounts WHERE user_id = 'fan' FOR UPDATE`);
      const voids = startLateEventVoids({
        pool: voidPool, decider, policyOf: () => POLICY, now: () => NOW, resultsTopic: 'order.results',
        logger: createLogger('concurrent-void-test', 'silent'), onError: (err) => { throw err; },
      });
      voids.offer({
        playerId: 'p-goal', matchId: 'm1', seq: 2, priceCents: 2_000, previousPriceCents: PRICE_CENTS, cause: 'EVENT', causeEventId: 'goal-1',
        causeEventType: 'GOAL', causeOccurredAt: EVENT_AT, lockedUntil: null, tickedAt: NOW,
      });
      voided = voids.idle();
      await eventually('the void waiting for the account row', async () => (await waiting(names.void)) === 1);
      // Another player's order of the same user: nothing in the batch waits for the void's player lock.
      batch = inTransactionWithRetry(batchPool, (c) => settleOrders(c, [buy('other-fill', 'p-other', 2, EVENT_AT + 1_500)], ctx));
      await eventually('the batch waiting for the account row', async () => (await waiting(names.batch)) === 1);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    await Promise.all([voided, batch]);

    const { rows } = await pool.query<{ payload: OrderResult }>(`SELECT payload FROM outbox WHERE topic = 'order.results' AND record_key = 'fan' ORDER BY outbox_id`);
    const results = rows.map((r) => r.payload);
    expect(results.map((r) => [r.orderId, r.status])).toEqual([['late-fill', 'FILLED'], ['late-fill', 'VOIDED'], ['other-fill', 'FILLED']]);
    // Folded in that order, each result's cash is the one before it plus its own effect.
    expect(results.map((r) => r.cashAfterCents)).toEqual([CASH - 3 * PRICE_CENTS, CASH, CASH - 2 * PRICE_CENTS]);
    const { rows: account } = await pool.query<{ cash_cents: string }>(`SELECT cash_cents FROM accounts WHERE user_id = 'fan'`);
    expect(Number(account[0]?.cash_cents)).toBe(CASH - 2 * PRICE_CENTS);
    const { rows: row } = await pool.query<{ cash_after_cents: string }>(`SELECT cash_after_cents FROM orders WHERE order_id = 'other-fill'`);
    expect(Number(row[0]?.cash_after_cents)).toBe(CASH - 2 * PRICE_CENTS);
  });
});
