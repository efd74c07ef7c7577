// Issue #5 on real Kafka and Postgres: one settlement with a policy per match
// (trade lock by default, delayed execution, sealed batch, event-time void),
// driven by a clock the test sets. Orders and ticks go on the topics as the
// gateway and pricing would write them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, OrderResult, PriceTick } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import type { FairnessSettings } from '@inplay/domain';
import { createProducer, recordSender, type Producer, type RecordSender } from '@inplay/kafka';
import { createLogger } from '@inplay/telemetry';
import { eventually, isolate, roleDatabaseUrl, type IsolatedEnv, TEST_ORDER_SIGNING_KEY, SIGN_TEST_ORDERS } from '@inplay/testing';
import { checkLedgerInvariants } from './audit';
import { startSettlement, type RunningSettlement } from './settlement';
import { newUser, testPool } from '../test/settlement.fixtures';

const FAIRNESS: FairnessSettings = {
  default: { policy: 'trade-lock' },
  byMatch: {
    'm-delay': { policy: 'delayed', delayMs: 30_000, onEvent: 'void' },
    'm-batch': { policy: 'sealed-batch', batchWindowMs: 10_000 },
    'm-void': { policy: 'event-time-void', voidHorizonMs: 45_000 },
  },
};
const GRACE_MS = 1_000;
const CASH = 100_000;

let env: IsolatedEnv;
let pool: Pool;
let producer: Producer;
let send: RecordSender;
let settlement: RunningSettlement;
const T0 = Math.ceil(Date.now() / 10_000) * 10_000;
let clock = T0;

const start = () => startSettlement({
  brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: roleDatabaseUrl(env, 'settlement'), topicPrefix: env.prefix,
  maxPriceAgeMs: 3_600_000, fairness: FAIRNESS, pendingPollMs: 20, pendingGraceMs: GRACE_MS, now: () => clock,
  logger: createLogger('fairness-test', 'silent'), onFatal: (err) => { throw err; },
});

function tick(playerId: string, matchId: string, seq: number, priceCents: number, tickedAt: number, extra: Partial<PriceTick> = {}): PriceTick {
  return {
    playerId, matchId, seq, priceCents, previousPriceCents: priceCents, cause: 'DRIFT', causeEventId: null, causeEventType: null,
    causeOccurredAt: null, lockedUntil: null, tickedAt, ...extra,
  };
}
const sendTicks = (ticks: PriceTick[]) => send.send('price.ticks', ticks.map((t) => ({ key: t.playerId, value: t })));
const seen = (playerId: string, seq: number) => eventually(`tick ${seq} of ${playerId} in the price table`, () => (settlement.prices.get(playerId)?.seq ?? 0) >= seq, 20_000);

async function order(userId: string, playerId: string, side: 'BUY' | 'SELL', quantity: number, placedAt: number): Promise<string> {
  const value: Order = { orderId: randomUUID(), userId, idempotencyKey: randomUUID(), bodyHash: 'x', playerId, side, quantity, limitPriceCents: null, placedAt };
  await send.send('orders', [{ key: userId, value }]);
  return value.orderId;
}

async function row(orderId: string) {
  const { rows } = await pool.query<{ status: string; reason: string | null; fill_price_cents: string | null; cash_after_cents: string | null }>('SELECT status, reason, fill_price_cents, cash_after_cents FROM orders WHERE order_id = $1', [orderId]);
  return rows[0];
}
const settled = (orderId: string) => eventually(`result of ${orderId}`, async () => (await row(orderId)) !== undefined, 20_000).then(() => row(orderId));
const cash = async (userId: string) => Number((await pool.query<{ c: string }>('SELECT cash_cents AS c FROM accounts WHERE user_id = $1', [userId])).rows[0]?.c);
const held = async (userId: string, playerId: string) => Number((await pool.query<{ q: string }>('SELECT quantity AS q FROM holdings WHERE user_id = $1 AND player_id = $2', [userId, playerId])).rows[0]?.q ?? 0);
const pendingCount = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM pending_orders')).rows[0]?.n);

beforeAll(async () => {
  env = await isolate();
  pool = testPool(env);
  await env.serde.registerAll();
  producer = createProducer(env.kafka);
  await producer.connect();
  send = recordSender(producer, env.serde, env.prefix, { sign: SIGN_TEST_ORDERS });
  await sendTicks([
    tick('p-lock', 'm-lock', 1, 1_000, T0, { lockedUntil: T0 + 60_000 }),
    tick('p-delay-event', 'm-delay', 1, 1_000, T0), tick('p-delay-quiet', 'm-delay', 1, 1_000, T0),
    tick('p-batch', 'm-batch', 1, 100, T0),
    tick('p-void', 'm-void', 1, 1_000, T0),
  ]);
  for (const user of ['lock-fan', 'delay-fan', 'batch-1', 'batch-2', 'batch-3', 'runner', 'early-bird']) await newUser(pool, user, CASH);
  settlement = await start();
}, 60_000);

afterAll(async () => {
  await settlement?.stop();
  await producer?.disconnect();
  await pool?.end();
  await env?.cleanup();
});

describe('fairness policies enforced by settlement', () => {
  it('trade lock: refuses orders inside the lock and says when it lifts', async () => {
    clock = T0 + 15_000;
    const id = await order('lock-fan', 'p-lock', 'BUY', 1, clock);
    expect(await settled(id)).toMatchObject({ status: 'REJECTED', reason: 'TRADE_LOCKED' });
    const retry = (await pool.query<{ r: string }>('SELECT retry_after_ms AS r FROM orders WHERE order_id = $1', [id])).rows[0]?.r;
    expect(Number(retry)).toBe(45_000);
  });

  it('delayed execution: pending orders survive a restart, fill at the price at their execution time, and an event in between voids them', async () => {
    clock = T0 + 20_000;
    const withEvent = await order('delay-fan', 'p-delay-event', 'BUY', 2, clock);
    const quiet = await order('delay-fan', 'p-delay-quiet', 'BUY', 2, clock);
    await eventually('both orders pending', async () => (await pendingCount()) === 2, 20_000);
    expect(await row(withEvent)).toBeUndefined();
    await settlement.stop();
    settlement = await start();
    expect(await pendingCount()).toBe(2);
    await sendTicks([
      tick('p-delay-event', 'm-delay', 2, 1_500, T0 + 35_000, { cause: 'EVENT', causeEventId: 'goal-1', causeEventType: 'GOAL', causeOccurredAt: T0 + 30_000 }),
      tick('p-delay-quiet', 'm-delay', 2, 1_100, T0 + 40_000),
      tick('p-delay-quiet', 'm-delay', 3, 1_300, T0 + 55_000),
    ]);
    await seen('p-delay-quiet', 3);
    await seen('p-delay-event', 2);
    clock = T0 + 50_000 + GRACE_MS;
    expect(await settled(withEvent)).toMatchObject({ status: 'VOIDED', reason: 'VOIDED_EVENT', fill_price_cents: null });
    expect(await settled(quiet)).toMatchObject({ status: 'FILLED', fill_price_cents: '1100' });
    expect(await pendingCount()).toBe(0);
    expect(await cash('delay-fan')).toBe(CASH - 2 * 1_100);
  });

  it('sealed batch: every order of a window fills at the median price of the window, after it closes', async () => {
    const W = T0 + 100_000;
    await sendTicks([tick('p-batch', 'm-batch', 2, 300, W + 2_000), tick('p-batch', 'm-batch', 3, 200, W + 5_000), tick('p-batch', 'm-batch', 4, 900, W + 12_000)]);
    await seen('p-batch', 4);
    clock = W + 9_000;
    const ids = [await order('batch-1', 'p-batch', 'BUY', 1, W + 1_000), await order('batch-2', 'p-batch', 'BUY', 3, W + 6_000), await order('batch-3', 'p-batch', 'BUY', 2, W + 9_000)];
    await eventually('three orders pending', async () => (await pendingCount()) === 3, 20_000);
    clock = W + 10_000 + GRACE_MS;
    const rows = await Promise.all(ids.map(settled));
    // In force during [W, W+10 s): 100 carried in, 300, 200 → lower median 200.
    expect(rows.map((r) => [r?.status, r?.fill_price_cents])).toEqual([['FILLED', '200'], ['FILLED', '200'], ['FILLED', '200']]);
  });

  it('event-time void: a fill placed after the event happened and priced before its tick is reversed; the ledger still balances', async () => {
    const E = T0 + 200_000;
    clock = E + 2_500;
    const early = await order('early-bird', 'p-void', 'BUY', 5, E - 500);
    const runnerBuy = await order('runner', 'p-void', 'BUY', 5, E + 2_000);
    expect(await settled(early)).toMatchObject({ status: 'FILLED', fill_price_cents: '1000' });
    expect(await settled(runnerBuy)).toMatchObject({ status: 'FILLED', fill_price_cents: '1000' });
    expect(await cash('runner')).toBe(CASH - 5_000);
    // The shares are provisional until the horizon passes: they cannot be sold yet.
    const quickSell = await order('runner', 'p-void', 'SELL', 5, E + 3_000);
    expect(await settled(quickSell)).toMatchObject({ status: 'REJECTED', reason: 'INSUFFICIENT_HOLDINGS' });
    clock = E + 25_000;
    await sendTicks([tick('p-void', 'm-void', 2, 2_000, E + 25_000, { cause: 'EVENT', causeEventId: 'goal-2', causeEventType: 'GOAL', causeOccurredAt: E })]);
    await eventually('the runner\'s fill voided', async () => (await pool.query('SELECT 1 FROM order_voids WHERE order_id = $1', [runnerBuy])).rowCount === 1, 20_000);
    expect(await cash('runner')).toBe(CASH);
    expect(await held('runner', 'p-void')).toBe(0);
    expect(await held('early-bird', 'p-void')).toBe(5);
    const entries = await pool.query<{ transaction_id: string; amount_cents: string }>('SELECT transaction_id, amount_cents FROM ledger_entries WHERE transaction_id IN ($1, $2) ORDER BY entry_id', [runnerBuy, `void:${runnerBuy}`]);
    expect(entries.rows.map((r) => r.transaction_id)).toEqual([runnerBuy, runnerBuy, `void:${runnerBuy}`, `void:${runnerBuy}`]);
    // The order row holds the latest result: the void, with what was filled kept.
    expect(await row(runnerBuy)).toMatchObject({ status: 'VOIDED', reason: 'VOIDED_LATE_EVENT', fill_price_cents: '1000', cash_after_cents: String(CASH) });
    expect(await row(early)).toMatchObject({ status: 'FILLED' });
    const voidResult = await eventually('the VOIDED result in the outbox', async () => {
      const { rows } = await pool.query<{ payload: OrderResult }>(`SELECT payload FROM outbox WHERE payload->>'orderId' = $1 AND payload->>'status' = 'VOIDED'`, [runnerBuy]);
      return rows[0]?.payload;
    }, 20_000);
    expect(voidResult).toMatchObject({ reason: 'VOIDED_LATE_EVENT', userId: 'runner', cashAfterCents: CASH });
    expect(await checkLedgerInvariants(pool)).toMatchObject({ violations: 0 });
  });
});
