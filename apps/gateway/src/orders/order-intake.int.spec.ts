// POST /orders refuses bad input with a stable code and a message, and writes
// nothing (no idempotency record, no record on `orders`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import uWS from 'uWebSockets.js';
import { createPool, type Pool } from '@inplay/db';
import { issueToken, signingKey } from '@inplay/auth';
import { createLogger } from '@inplay/telemetry';
import { isolate, type IsolatedEnv } from '@inplay/testing';
import { createOrderIntake, registerOrderRoutes } from './index';

const JWT_SECRET = 'intake-secret-intake-secret-intake-0123';
let env: IsolatedEnv;
let pool: Pool;
let url: string;
let token: string;
let close: () => Promise<void>;
let socket: uWS.us_listen_socket;

beforeAll(async () => {
  env = await isolate();
  pool = createPool(env.databaseUrl, { max: 2 });
  await pool.query("INSERT INTO users (user_id, display_name) VALUES ('carol', 'Carol')");
  await pool.query("INSERT INTO accounts (user_id, cash_cents) VALUES ('carol', 1000)");
  await pool.query("INSERT INTO matches VALUES ('m1', 'test', 'h', 'Home', 'a', 'Away', now())");
  await pool.query("INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents) VALUES ('p1', 'm1', 'P', 'h', 'Home', 'MID', 100)");
  await pool.query("INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents) VALUES ('p-locked', 'm1', 'L', 'h', 'Home', 'FWD', 100)");
  const intake = await createOrderIntake({
    brokers: env.infra.kafkaBrokers, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, jwtSecret: JWT_SECRET,
    topicPrefix: env.prefix, rateLimit: { ordersPerSecond: 1, burstOrders: 30 }, devLogin: true, logger: createLogger('test', 'silent'),
  });
  close = intake.close;
  // As gateway main wires it: the courtesy lock from the gateway's own ticks (here: p-locked is locked for 42 s).
  const app = registerOrderRoutes(uWS.App(), { ...intake.deps, tradeLock: (playerId, matchId, nowMs) => (playerId === 'p-locked' && matchId === 'm1' ? nowMs + 42_000 : null) });
  socket = await new Promise((resolve, reject) => app.listen('127.0.0.1', 0, (s) => (s ? resolve(s) : reject(new Error('listen')))));
  url = `http://127.0.0.1:${uWS.us_socket_local_port(socket)}`;
  token = await issueToken(signingKey(JWT_SECRET), 'carol');
});
afterAll(async () => {
  uWS.us_listen_socket_close(socket);
  await close?.();
  await pool?.end();
  await env?.cleanup();
});

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/orders`, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'k1', ...headers } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string; message: string } } };
}

const valid = { playerId: 'p1', side: 'buy', quantity: 1 };

describe('POST /orders refuses bad input and writes nothing', () => {
  it.each([
    ['non-JSON', 'not json', 400, 'BODY_NOT_JSON'],
    ['an array', '[1]', 400, 'BODY_NOT_OBJECT'],
    ['a missing player', JSON.stringify({ side: 'buy', quantity: 1 }), 400, 'PLAYER_ID_INVALID'],
    ['a wrong-typed side', JSON.stringify({ ...valid, side: 1 }), 400, 'SIDE_INVALID'],
    ['a zero quantity', JSON.stringify({ ...valid, quantity: 0 }), 400, 'QUANTITY_INVALID'],
    ['a negative quantity', JSON.stringify({ ...valid, quantity: -3 }), 400, 'QUANTITY_INVALID'],
    ['a fractional quantity', JSON.stringify({ ...valid, quantity: 1.5 }), 400, 'QUANTITY_INVALID'],
    ['an absurd quantity', JSON.stringify({ ...valid, quantity: 1e12 }), 400, 'QUANTITY_INVALID'],
    ['a quantity as a string', JSON.stringify({ ...valid, quantity: '1' }), 400, 'QUANTITY_INVALID'],
    ['a fractional limit price', JSON.stringify({ ...valid, limitPrice: 10.5 }), 400, 'LIMIT_PRICE_INVALID'],
    ['an unknown field', JSON.stringify({ ...valid, leverage: 100 }), 400, 'FIELD_UNKNOWN'],
    ['an unknown player', JSON.stringify({ ...valid, playerId: 'nobody' }), 422, 'PLAYER_UNKNOWN'],
    ['a player locked after a match event (courtesy check)', JSON.stringify({ ...valid, playerId: 'p-locked' }), 409, 'TRADE_LOCKED'],
    ['an oversized body', JSON.stringify({ ...valid, playerId: 'x'.repeat(5_000) }), 413, 'BODY_TOO_LARGE'],
  ])('answers %s with a code and a message', async (_what, body, status, code) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.body.error?.code).toBe(code);
    expect(res.body.error?.message).toEqual(expect.any(String));
  });

  it('says when a trade lock lifts (Retry-After) and names the player', async () => {
    const res = await post(JSON.stringify({ ...valid, playerId: 'p-locked' }));
    expect([res.status, res.retryAfter]).toEqual([409, '42']);
    expect(res.body.error?.message).toMatch(/p-locked is locked for 42 s/);
  });

  it('requires an Idempotency-Key and a valid bearer token', async () => {
    expect((await post(JSON.stringify(valid), { 'idempotency-key': '' })).body.error?.code).toBe('IDEMPOTENCY_KEY_MISSING');
    expect((await post(JSON.stringify(valid), { 'idempotency-key': 'x'.repeat(200) })).body.error?.code).toBe('IDEMPOTENCY_KEY_INVALID');
    const noToken = await post(JSON.stringify(valid), { authorization: '' });
    expect([noToken.status, noToken.body.error?.code]).toEqual([401, 'TOKEN_MISSING']);
    const forged = await post(JSON.stringify(valid), { authorization: `Bearer ${await issueToken(signingKey('another-secret-another-secret-0123456'), 'carol')}` });
    expect([forged.status, forged.body.error?.code]).toEqual([401, 'TOKEN_INVALID']);
  });

  it('wrote nothing for any refused request', async () => {
    const { rows } = await pool.query('SELECT count(*) AS n FROM order_keys');
    expect(rows[0].n).toBe('0');
    const admin = env.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(`${env.prefix}orders`);
    await admin.disconnect();
    expect(offsets.every((p) => p.high === '0')).toBe(true);
  });

  it('does not show another user\'s order', async () => {
    const res = await fetch(`${url}/orders/some-id`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ORDER_NOT_FOUND');
  });

  it('limits each user\'s order rate with 429 and Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => post('not json')));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ retryAfter: expect.stringMatching(/^\d+$/), body: { error: { code: 'RATE_LIMITED' } } });
  });
});
