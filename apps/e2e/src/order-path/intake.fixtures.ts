// The order path end to end in one test process: a real gateway with its order
// intake, users with cash and tokens, an HTTP client.
import type { Pool } from '@inplay/db';
import { orderRoutes } from '@inplay/gateway';
import { createUser, issueDevToken } from '@inplay/settlement';
import type { IsolatedEnv } from '@inplay/testing';
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
