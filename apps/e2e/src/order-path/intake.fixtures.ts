// The order path end to end in one test process: a real gateway with its order
// intake, users with cash and tokens, an HTTP client.
import { randomUUID } from 'node:crypto';
import type { Pool } from '@inplay/db';
import { orderRoutes } from '@inplay/gateway';
import { topicName } from '@inplay/kafka';
import { createUser, issueDevToken } from '@inplay/settlement';
import { eventually, isolate, seedMarket, testPool, type IsolatedEnv } from '@inplay/testing';
import { JWT_SECRET, startTestGateway } from '../gateway.fixtures';

/** A user with `cashCents`, and a token for the intake. */
export async function newUser(pool: Pool, userId: string, cashCents: number): Promise<string> {
  const created = await createUser(pool, { userId, displayName: userId, cashCents });
  if (!created.ok) throw new Error(`user ${userId}: ${created.message}`);
  return issueDevToken({ jwtSecret: JWT_SECRET, userId });
}

export interface IntakeServer {
  url: string;
  stop(): Promise<void>;
}

/** The gateway with its order intake (the per-user rate limit lifted: these specs measure the path, not the limiter). */
export async function startIntake(env: IsolatedEnv): Promise<IntakeServer> {
  const gateway = await startTestGateway(env, [orderRoutes({ rateLimit: { ordersPerSecond: 1_000_000, burstOrders: 1_000_000 } })]);
  return { url: gateway.url, stop: () => gateway.stop() };
}

export async function postOrder(url: string, token: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> & { orderId?: string; error?: { code: string } } };
}

/** The records of `topic` that belong to `userId` (they all live on one partition, in log order), once `count` have arrived. */
export async function userRecords<T extends { userId: string }>(env: IsolatedEnv, topic: 'orders' | 'order.results', userId: string, count: number): Promise<T[]> {
  const seen: T[] = [];
  const consumer = env.kafka.consumer({ groupId: `${env.prefix}log-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(env.prefix, topic), fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => {
    const record = await env.serde.decode<T>(message.value!);
    if (record.userId === userId) seen.push(record);
  } });
  await eventually(`${count} records of ${userId} on ${topic}`, () => seen.length >= count, 30_000);
  await consumer.disconnect();
  return seen;
}

export interface OrderPathEnv {
  env: IsolatedEnv;
  pool: Pool;
  intake: IntakeServer;
}

/** An isolated environment with the market seeded, a pool and the intake (no settlement: each spec runs its own). */
export async function startOrderPathEnv(): Promise<OrderPathEnv> {
  const env = await isolate();
  const pool = testPool(env);
  await seedMarket(env, pool);
  return { env, pool, intake: await startIntake(env) };
}

export async function stopOrderPathEnv(path: Partial<OrderPathEnv> | undefined): Promise<void> {
  await path?.intake?.stop();
  await path?.pool?.end();
  await path?.env?.cleanup();
}
