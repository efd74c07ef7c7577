// Postgres taken away from settlement twice while orders flow (a restart as
// its clients see it: every connection reset, new ones refused until it is
// back; done through a TCP proxy in front of settlement alone). Settlement
// stays up, its outbox relay and pending executor retry and count it, and
// every accepted order ends with exactly one result and one effect.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderResult } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import { topicName } from '@inplay/kafka';
import { checkLedgerInvariants, startSettlement, type RunningSettlement } from '@inplay/settlement';
import { createLogger } from '@inplay/telemetry';
import { concurrently, eventually, PLAYER_ID, startTcpProxy, type IsolatedEnv, type TcpProxy, TEST_ORDER_SIGNING_KEY } from '@inplay/testing';
import { newUser, postOrder, startOrderPathEnv, stopOrderPathEnv, type OrderPathEnv } from './intake.fixtures';

const ORDERS = 1_200;
const USERS = 8;
const OUTAGES = 2;

let path: OrderPathEnv | undefined;
let env: IsolatedEnv;
let pool: Pool;
let postgres: TcpProxy;
let settlement: RunningSettlement | undefined;
const fatal: Error[] = [];
const retries = new Map<string, number>();

beforeAll(async () => {
  path = await startOrderPathEnv();
  ({ env, pool } = path);
  postgres = await startTcpProxy(env.databaseUrl);
  settlement = await startSettlement({
    brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: postgres.proxied(env.databaseUrl), topicPrefix: env.prefix,
    maxPriceAgeMs: 3_600_000, pendingPollMs: 50, logger: createLogger('settlement-test', 'silent'),
    onFatal: (err) => { fatal.push(err); },
    onDependencyRetry: (worker, dependency) => { retries.set(`${worker}/${dependency}`, (retries.get(`${worker}/${dependency}`) ?? 0) + 1); },
  });
});
afterAll(async () => {
  postgres?.restore();
  await settlement?.stop();
  await postgres?.close();
  await stopOrderPathEnv(path);
});

const settledCount = async () => Number((await pool.query('SELECT count(*) AS n FROM orders')).rows[0].n);
const retried = (worker: string) => retries.get(`${worker}/postgres`) ?? 0;

/** Every result on order.results, by orderId, once `orderIds` all have one. */
async function publishedResults(orderIds: Set<string>): Promise<Map<string, OrderResult[]>> {
  const byOrder = new Map<string, OrderResult[]>();
  const consumer = env.kafka.consumer({ groupId: `${env.prefix}results-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(env.prefix, 'order.results'), fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => {
    const result = await env.serde.decode<OrderResult>(message.value!);
    byOrder.set(result.orderId, [...(byOrder.get(result.orderId) ?? []), result]);
  } });
  await eventually('a result published for every order', () => [...orderIds].every((id) => byOrder.has(id)), 60_000);
  await consumer.disconnect();
  return byOrder;
}

describe('settlement through Postgres restarts', () => {
  it('stays up through two outages under load and gives every accepted order exactly one result', async () => {
    const tokens = await Promise.all(Array.from({ length: USERS }, (_, u) => newUser(pool, `pg-${u}`, 50_000)));
    const load = concurrently(ORDERS, 20, (i) =>
      postOrder(path!.intake.url, tokens[i % USERS]!, `pg-${i}`, { playerId: PLAYER_ID, side: i % 5 === 4 ? 'sell' : 'buy', quantity: 1 + (i % 3) }));

    for (let outage = 1; outage <= OUTAGES; outage++) {
      await eventually(`orders settling before outage ${outage}`, async () => (await settledCount()) >= (outage * ORDERS) / (OUTAGES + 2), 90_000);
      const before = { relay: retried('outbox-relay'), pending: retried('pending-executor') };
      postgres.cut();
      // Each background worker met the outage and is retrying (before the fix the relay's first error was fatal).
      await eventually(`relay and pending executor retrying in outage ${outage}`, () =>
        fatal.length === 0 && retried('outbox-relay') >= before.relay + 2 && retried('pending-executor') >= before.pending + 2, 60_000);
      expect(fatal).toEqual([]);
      postgres.restore();
    }

    const answers = await load;
    const accepted = new Set(answers.filter((a) => a.status === 202).map((a) => a.body.orderId as string));
    expect(accepted.size).toBe(ORDERS);
    await eventually('every accepted order settled', async () => (await settledCount()) === ORDERS, 120_000);
    const { rows } = await pool.query<{ order_id: string }>('SELECT order_id FROM orders');
    expect(new Set(rows.map((r) => r.order_id))).toEqual(accepted);
    expect(await checkLedgerInvariants(pool)).toMatchObject({ violations: 0 });
    await eventually('one result per order in the outbox, all published', async () => {
      const r = await pool.query(`SELECT count(*) AS n, count(DISTINCT payload->>'orderId') AS d, count(*) FILTER (WHERE sent_at IS NULL) AS unsent
                                    FROM outbox WHERE topic LIKE '%order.results'`);
      return r.rows[0].n === String(ORDERS) && r.rows[0].d === String(ORDERS) && r.rows[0].unsent === '0';
    }, 60_000);
    // On the topic: a result for every order; the relay publishes at least once, so an outage between its send and
    // its mark may repeat one, and then it is the very same result (readers dedupe by orderId).
    const published = await publishedResults(accepted);
    for (const id of accepted) expect(new Set(published.get(id)!.map((r) => JSON.stringify(r))).size).toBe(1);
    expect([...published.keys()].filter((id) => !accepted.has(id))).toEqual([]);
    expect(fatal).toEqual([]);
  }, 300_000);
});
