// A market to trade on, for integration specs of the order path: one match,
// one player at a known price with its first tick on price.ticks, a pool on
// the file's database, and a way to run many clients at once.
import { createPool, type Pool } from '@inplay/db';
import { createProducer, recordSender } from '@inplay/kafka';
import type { IsolatedEnv } from './isolation';

export const PLAYER_ID = 'p-striker';
export const PRICE_CENTS = 100;

export async function seedMarket(env: IsolatedEnv, pool: Pool, player: { playerId: string; priceCents: number } = { playerId: PLAYER_ID, priceCents: PRICE_CENTS }): Promise<void> {
  await pool.query(`INSERT INTO matches (match_id, provider, home_team_id, home_team, away_team_id, away_team, kick_off_at)
                    VALUES ('m1', 'test', 'h', 'Home', 'a', 'Away', now()) ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents)
                    VALUES ($1, 'm1', 'Striker', 'h', 'Home', 'FWD', $2) ON CONFLICT DO NOTHING`, [player.playerId, player.priceCents]);
  await env.serde.registerAll();
  const producer = createProducer(env.kafka);
  await producer.connect();
  await recordSender(producer, env.serde, env.prefix).send('price.ticks', [{ key: player.playerId, value: {
    playerId: player.playerId, matchId: 'm1', seq: 1, priceCents: player.priceCents, previousPriceCents: player.priceCents, cause: 'INITIAL',
    causeEventId: null, causeEventType: null, causeOccurredAt: null, lockedUntil: null, tickedAt: Date.now() } }]);
  await producer.disconnect();
}

/** Runs `count` tasks with at most `clients` in flight. */
export async function concurrently<T>(count: number, clients: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < count) { const i = next++; out[i] = await task(i); }
  }));
  return out;
}

export function testPool(env: IsolatedEnv): Pool {
  return createPool(env.databaseUrl, { max: 20 });
}
