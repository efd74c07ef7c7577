// Test harness for settlement's integration specs: an isolated environment
// with a match, a priced player, users, the order intake on a uWS app of the
// test's own, and an HTTP client.
import uWS from 'uWebSockets.js';
import type { IsolatedEnv } from '@inplay/testing';
import { createPool, type Pool } from '@inplay/db';
import { createProducer, recordSender } from '@inplay/kafka';
import { createLogger } from '@inplay/telemetry';
import { createOrderIntake, registerOrderRoutes } from '../../gateway/src/orders/index.ts';
import { createUser, issueDevToken } from './users';

export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
export const PLAYER_ID = 'p-striker';
export const PRICE_CENTS = 100;

export async function seedMarket(env: IsolatedEnv, pool: Pool): Promise<void> {
  await pool.query(`INSERT INTO matches (match_id, provider, home_team_id, home_team, away_team_id, away_team, kick_off_at)
                    VALUES ('m1', 'test', 'h', 'Home', 'a', 'Away', now()) ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents)
                    VALUES ($1, 'm1', 'Striker', 'h', 'Home', 'FWD', $2) ON CONFLICT DO NOTHING`, [PLAYER_ID, PRICE_CENTS]);
  await env.serde.registerAll();
  const producer = createProducer(env.kafka);
  await producer.connect();
  await recordSender(producer, env.serde, env.prefix).send('price.ticks', [{ key: PLAYER_ID, value: {
    playerId: PLAYER_ID, matchId: 'm1', seq: 1, priceCents: PRICE_CENTS, previousPriceCents: PRICE_CENTS, cause: 'INITIAL',
    causeEventId: null, causeEventType: null, causeOccurredAt: null, lockedUntil: null, tickedAt: Date.now() } }]);
  await producer.disconnect();
}

export async function newUser(pool: Pool, userId: string, cashCents: number): Promise<string> {
  await createUser(pool, { userId, displayName: userId, cashCents });
  return issueDevToken({ jwtSecret: JWT_SECRET, userId });
}

export interface IntakeServer {
  url: string;
  stop(): Promise<void>;
}

export async function startIntake(env: IsolatedEnv): Promise<IntakeServer> {
  const intake = await createOrderIntake({
    brokers: env.infra.kafkaBrokers, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, jwtSecret: JWT_SECRET,
    topicPrefix: env.prefix, rateLimit: { ordersPerSecond: 1_000_000, burstOrders: 1_000_000 }, logger: createLogger('test', 'silent'),
  });
  const app = registerOrderRoutes(uWS.App(), intake.deps);
  const socket = await new Promise<uWS.us_listen_socket>((resolve, reject) => app.listen('127.0.0.1', 0, (s) => (s ? resolve(s) : reject(new Error('listen failed')))));
  return {
    url: `http://127.0.0.1:${uWS.us_socket_local_port(socket)}`,
    async stop() {
      uWS.us_listen_socket_close(socket);
      await intake.close();
    },
  };
}

export async function postOrder(url: string, token: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> & { orderId?: string; error?: { code: string } } };
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
