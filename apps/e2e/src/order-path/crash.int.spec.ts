// Acceptance 3: kill -9 of the settlement process while it settles under
// load, then a restart: every order the gateway accepted has exactly one
// result, the ledger balances, nothing is negative or missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '@inplay/db';
import { REPO_ROOT } from '@inplay/infra';
import { checkLedgerInvariants } from '@inplay/settlement';
import { concurrently, eventually, grantServiceAcls, serviceKafkaEnv, PLAYER_ID, roleDatabaseUrl, TEST_ORDER_SIGNING_KEY, type IsolatedEnv } from '@inplay/testing';
import { newUser, postOrder, startOrderPathEnv, stopOrderPathEnv, type IntakeServer, type OrderPathEnv } from './intake.fixtures';

const ORDERS = 3_000;
const USERS = 10;

let path: OrderPathEnv | undefined;
let env: IsolatedEnv;
let pool: Pool;
let intake: IntakeServer;
const children: ChildProcess[] = [];

function spawnSettlement(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/settlement/src/main.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      // As deployed: the settlement principal (only its ACLs, granted for this prefix in beforeAll) and its own Postgres role.
      ...process.env, DATABASE_URL: roleDatabaseUrl(env, 'settlement'), ...serviceKafkaEnv(env, 'settlement'), SCHEMA_REGISTRY_URL: env.infra.schemaRegistryUrl,
      TOPIC_PREFIX: env.prefix, ORDER_SIGNING_KEY: TEST_ORDER_SIGNING_KEY, SETTLEMENT_MAX_PRICE_AGE_MS: '3600000', LOG_LEVEL: 'error',
    },
  });
  children.push(child);
  return child;
}

const settledCount = async () => Number((await pool.query('SELECT count(*) AS n FROM orders')).rows[0].n);

beforeAll(async () => {
  path = await startOrderPathEnv();
  ({ env, pool, intake } = path);
  await grantServiceAcls(env);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await stopOrderPathEnv(path);
});

describe('settlement crash recovery', () => {
  it('settles every accepted order exactly once across a kill -9 in the middle of the load', async () => {
    const tokens = await Promise.all(Array.from({ length: USERS }, (_, u) => newUser(pool, `crash-${u}`, 20_000)));
    const first = spawnSettlement();
    const load = concurrently(ORDERS, 50, (i) =>
      postOrder(intake.url, tokens[i % USERS]!, `c-${i}`, { playerId: PLAYER_ID, side: i % 7 === 6 ? 'sell' : 'buy', quantity: 1 + (i % 4) }));
    await eventually('settlement under way', async () => (await settledCount()) >= 300, 60_000);
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    const killedAt = await settledCount();
    spawnSettlement();
    const answers = await load;
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.body.orderId as string);
    expect(accepted).toHaveLength(ORDERS);
    expect(killedAt).toBeLessThan(ORDERS);

    await eventually('every accepted order settled after the restart', async () => (await settledCount()) === ORDERS, 90_000);
    const { rows } = await pool.query<{ order_id: string }>('SELECT order_id FROM orders');
    expect(new Set(rows.map((r) => r.order_id))).toEqual(new Set(accepted));
    expect(await checkLedgerInvariants(pool)).toMatchObject({ violations: 0 });
    await eventually('exactly one result per order in the outbox, all published', async () => {
      const r = await pool.query(`SELECT count(*) AS n, count(DISTINCT payload->>'orderId') AS d, count(*) FILTER (WHERE sent_at IS NULL) AS unsent
                                    FROM outbox WHERE topic LIKE '%order.results'`);
      return r.rows[0].n === String(ORDERS) && r.rows[0].d === String(ORDERS) && r.rows[0].unsent === '0';
    }, 30_000);
  }, 180_000);
});
