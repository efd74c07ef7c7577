// The order path end to end in one test process: the gateway's order intake on
// a uWS app of the test's own, users with cash and tokens, an HTTP client.
import uWS from 'uWebSockets.js';
import type { Pool } from '@inplay/db';
import { createOrderIntake, registerOrderRoutes } from '@inplay/gateway';
import { createUser, issueDevToken } from '@inplay/settlement';
import { createLogger } from '@inplay/telemetry';
import type { IsolatedEnv } from '@inplay/testing';

export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

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
