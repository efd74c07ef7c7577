// A recorded history for the audit and backfill specs: users created through
// settlement's createUser, ticks and orders put straight on the topics
// (seeded, so every run is the same shape), settled by the real settlement.
import { randomUUID } from 'node:crypto';
import type { Order, PriceTick } from '@inplay/contracts';
import type { Pool } from '@inplay/db';
import { createRandom, rngStateFromSeed, seedFromText } from '@inplay/domain';
import { createProducer, recordSender } from '@inplay/kafka';
import { createUser, startSettlement, type RunningSettlement } from '@inplay/settlement';
import { createLogger } from '@inplay/telemetry';
import { eventually, type IsolatedEnv, TEST_ORDER_SIGNING_KEY, SIGN_TEST_ORDERS } from '@inplay/testing';

export interface HistoryShape {
  users: number;
  players: number;
  ticksPerPlayer: number;
  orders: number;
  seed?: string;
}

export const playerOf = (i: number) => `p${i}`;
export const matchOfPlayer = (i: number) => (i % 2 === 0 ? 'm1' : 'm2');

/** Records the history and waits until settlement has settled and published every order. Returns the settlement (stop it). */
export async function recordHistory(env: IsolatedEnv, pool: Pool, shape: HistoryShape): Promise<RunningSettlement> {
  const rng = createRandom(rngStateFromSeed(seedFromText(shape.seed ?? 'audit')));
  const random = { int: (min: number, max: number) => min + rng.nextInt(max - min + 1), next: () => rng.nextFloat() };
  await env.serde.registerAll();
  for (let u = 0; u < shape.users; u++) await createUser(pool, { userId: `u${u}`, displayName: `User ${u}`, cashCents: 50_000 + u * 10 });
  const producer = createProducer(env.kafka);
  await producer.connect();
  const sender = recordSender(producer, env.serde, env.prefix, { sign: SIGN_TEST_ORDERS });
  const now = Date.now();
  const ticks: PriceTick[] = [];
  for (let p = 0; p < shape.players; p++) {
    let price = 100 + p * 7;
    for (let seq = 1; seq <= shape.ticksPerPlayer; seq++) {
      const previous = price;
      price = Math.max(1, price + random.int(-5, 5));
      // An old lock on the first ticks: long lifted when the orders settle.
      ticks.push({ playerId: playerOf(p), matchId: matchOfPlayer(p), seq, priceCents: price, previousPriceCents: previous, cause: seq === 1 ? 'INITIAL' : 'DRIFT',
        causeEventId: null, causeEventType: null, causeOccurredAt: null, lockedUntil: seq === 2 ? now - 60_000 : null, tickedAt: now - 1_000 });
    }
  }
  for (let i = 0; i < ticks.length; i += 5_000) await sender.send('price.ticks', ticks.slice(i, i + 5_000).map((t) => ({ key: t.playerId, value: t })));
  const settlement = await startSettlement({
    brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, orderSigningKey: TEST_ORDER_SIGNING_KEY, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, topicPrefix: env.prefix,
    maxPriceAgeMs: 3_600_000, logger: createLogger('settlement-test', 'silent'), onFatal: (err) => { throw err; },
  });
  const orders: Order[] = [];
  for (let i = 0; i < shape.orders; i++) {
    const userId = `u${random.int(0, shape.users - 1)}`;
    orders.push({ orderId: randomUUID(), userId, idempotencyKey: `k${i}`, bodyHash: 'h', playerId: playerOf(random.int(0, shape.players - 1)),
      side: random.next() < 0.65 ? 'BUY' : 'SELL', quantity: random.int(1, 30), limitPriceCents: null, placedAt: now });
  }
  // A gateway retry puts the same order on the log twice: it must still have exactly one result.
  if (orders[0]) orders.push(orders[0]);
  for (let i = 0; i < orders.length; i += 5_000) await sender.send('orders', orders.slice(i, i + 5_000).map((o) => ({ key: o.userId, value: o })));
  await producer.disconnect();
  await eventually('every order settled and published', async () => {
    const { rows } = await pool.query<{ n: string; unsent: string }>('SELECT (SELECT count(*) FROM orders) AS n, (SELECT count(*) FROM outbox WHERE sent_at IS NULL) AS unsent');
    return rows[0]?.n === String(shape.orders) && rows[0]?.unsent === '0';
  }, 120_000, 100);
  return settlement;
}
