// A history settled for real (users, ticks and orders on this file's topics,
// settled by the real settlement, which is stopped once every result is out),
// for the specs of what reads history: the replay audit, backfills, boards.
import { createPool, type Pool } from '@inplay/db';
import { recordHistory, type HistoryShape } from '@inplay/bench';
import { isolate, type IsolatedEnv } from '@inplay/testing';

export interface SettledHistory {
  env: IsolatedEnv;
  pool: Pool;
  close(): Promise<void>;
}

export async function settledHistory(shape: HistoryShape): Promise<SettledHistory> {
  const env = await isolate();
  const pool = createPool(env.databaseUrl, { max: 4 });
  const settlement = await recordHistory(env, pool, shape);
  await settlement.stop();
  return { env, pool, close: async () => { await pool.end(); await env.cleanup(); } };
}
