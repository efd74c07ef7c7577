// The leaderboard service on real Kafka and Postgres: users' opening balances
// from their ledger genesis, results and ticks folded from the topics, boards
// ranked by value (cash + holdings at the latest price) published to the
// compacted `leaderboard` topic and upserted in Postgres; a result delivered
// twice counts once, a void undoes its fill, a restart gives the same boards.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LeaderboardSnapshot, OrderResult, PriceTick } from '@inplay/contracts';
import { createPool, insertChainedEntries, sha256Hex, type Pool } from '@inplay/db';
import { chainPostings, issuancePostings } from '@inplay/domain';
import { createProducer, recordSender, type Producer, type RecordSender } from '@inplay/kafka';
import { createLogger } from '@inplay/telemetry';
import { cleanupAfterAll, eventually, isolate, roleDatabaseUrl, type IsolatedEnv } from '@inplay/testing';
import { startLeaderboard, type RunningLeaderboard } from './leaderboard';
import { loadSnapshots } from './store';

const cleanup = cleanupAfterAll();
let env: IsolatedEnv;
let pool: Pool;
let records: RecordSender;
let leaderboard: RunningLeaderboard | undefined;
const T0 = Date.now();

async function openAccount(userId: string, cashCents: number): Promise<void> {
  await pool.query('INSERT INTO users (user_id, display_name) VALUES ($1, $1)', [userId]);
  await pool.query('INSERT INTO accounts (user_id, cash_cents) VALUES ($1, $2)', [userId, cashCents]);
  const postings = issuancePostings(`issue:${userId}`, userId, cashCents).map((posting) => ({ userId, posting }));
  await insertChainedEntries(pool, chainPostings(new Map(), postings, sha256Hex).entries);
}

const tick = (playerId: string, seq: number, priceCents: number): PriceTick => ({
  playerId, matchId: 'm1', seq, priceCents, previousPriceCents: priceCents, cause: 'DRIFT', causeEventId: null, causeEventType: null, causeOccurredAt: null, lockedUntil: null, tickedAt: T0 + seq,
});
const fill = (orderId: string, userId: string, side: 'BUY' | 'SELL', quantity: number, priceCents: number, cashAfterCents: number, status: OrderResult['status'] = 'FILLED'): OrderResult => ({
  orderId, userId, idempotencyKey: orderId, playerId: 'p1', side, quantity, status, reason: status === 'VOIDED' ? 'VOIDED_LATE_EVENT' : null, fillPriceCents: priceCents, tickSeq: 1,
  costCents: quantity * priceCents, retryAfterMs: null, cashAfterCents, placedAt: T0, settledAt: T0,
});

const start = async (): Promise<RunningLeaderboard> => {
  const started = await startLeaderboard({
    brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: roleDatabaseUrl(env, 'leaderboard'), topicPrefix: env.prefix,
    recomputeMs: 100, logger: createLogger('leaderboard-test', 'silent'), onFatal: (err) => { throw err; },
  });
  await started.ready;
  return started;
};
const board = async (boardId: string, expectTotal: number): Promise<LeaderboardSnapshot> =>
  eventually(`board ${boardId} with ${expectTotal} users in Postgres`, async () => (await loadSnapshots(pool)).find((s) => s.boardId === boardId && s.totalUsers === expectTotal), 20_000);
const values = (s: LeaderboardSnapshot) => s.entries.map((e) => [e.rank, e.userId, e.valueCents]);

beforeAll(async () => {
  env = await isolate();
  cleanup(() => env.cleanup());
  pool = createPool(env.databaseUrl, { max: 2 });
  cleanup(() => pool.end());
  await pool.query("INSERT INTO matches VALUES ('m1', 'test', 'h', 'Home', 'a', 'Away', now())");
  await pool.query("INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents) VALUES ('p1', 'm1', 'P', 'h', 'Home', 'FWD', 100)");
  for (const [userId, cash] of [['ann', 10_000], ['bob', 10_000], ['cat', 5_000]] as const) await openAccount(userId, cash);
  await env.serde.registerAll();
  const producer: Producer = createProducer(env.kafka);
  await producer.connect();
  cleanup(() => producer.disconnect());
  records = recordSender(producer, env.serde, env.prefix);
  cleanup(() => leaderboard?.stop());
});

describe('leaderboard service', () => {
  it('ranks users by cash plus holdings at the latest price, overall and per match, counting a redelivered result once', async () => {
    await records.send('price.ticks', [{ key: 'p1', value: tick('p1', 1, 100) }]);
    const annBuy = fill('o-ann', 'ann', 'BUY', 10, 100, 9_000);
    // ann's fill arrives twice (the outbox relay is at-least-once); bob buys, then the price doubles.
    await records.send('order.results', [annBuy, annBuy, fill('o-bob', 'bob', 'BUY', 20, 100, 8_000)].map((r) => ({ key: r.userId, value: r })));
    await records.send('price.ticks', [{ key: 'p1', value: tick('p1', 2, 200) }]);
    leaderboard = await start();
    const overall = await eventually('overall ranked at the new price', async () => {
      const s = await board('overall', 3);
      return s.entries[0]?.valueCents === 12_000 ? s : undefined;
    }, 20_000);
    // bob: 8,000 + 20 × 200 = 12,000; ann: 9,000 + 10 × 200 = 11,000 (counted once); cat: 5,000 in cash.
    expect(values(overall)).toEqual([[1, 'bob', 12_000], [2, 'ann', 11_000], [3, 'cat', 5_000]]);
    // The match board ranks those who traded its players by what that trading is worth: shares at the latest price minus what they cost.
    const match = await board('match:m1', 2);
    expect(values(match)).toEqual([[1, 'bob', 20 * 200 - 2_000], [2, 'ann', 10 * 200 - 1_000]]);
  });

  it('undoes a voided fill and gives the same boards after a restart (folded from the start of the topics)', async () => {
    await records.send('order.results', [{ key: 'bob', value: fill('o-bob', 'bob', 'BUY', 20, 100, 10_000, 'VOIDED') }]);
    const afterVoid = await eventually('bob back to his cash', async () => {
      const s = await board('overall', 3);
      return s.entries.find((e) => e.userId === 'bob')?.valueCents === 10_000 ? s : undefined;
    }, 20_000);
    expect(values(afterVoid)).toEqual([[1, 'ann', 11_000], [2, 'bob', 10_000], [3, 'cat', 5_000]]);
    await leaderboard?.stop();
    await pool.query('DELETE FROM leaderboard_snapshots');
    leaderboard = await start();
    expect(values(await board('overall', 3))).toEqual(values(afterVoid));
  });
});
