// POST /orders refuses bad input with a stable code and a message, and writes
// nothing (no idempotency record, no record on `orders`) — while a valid order
// right after is recorded and produced, so the "nothing" is not an accident of
// the check. GET /orders/:id shows a user their own order and nobody else's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '@inplay/db';
import { issueToken, signingKey } from '@inplay/auth';
import { gatewayHarness, type GatewayHarness, type TestGateway } from '../../test/harness';
import { orderRoutes } from './index';

let harness: GatewayHarness;
let gateway: TestGateway;
let pool: Pool;
let url: string;
let token: string;
let daveToken: string;
let acceptedOrderId = '';

beforeAll(async () => {
  harness = await gatewayHarness();
  pool = createPool(harness.env.databaseUrl, { max: 2 });
  for (const user of ['carol', 'dave']) {
    await pool.query('INSERT INTO users (user_id, display_name) VALUES ($1, $1)', [user]);
    await pool.query('INSERT INTO accounts (user_id, cash_cents) VALUES ($1, 1000)', [user]);
  }
  await pool.query("INSERT INTO matches VALUES ('m1', 'test', 'h', 'Home', 'a', 'Away', now())");
  await pool.query("INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents) VALUES ('p1', 'm1', 'P', 'h', 'Home', 'MID', 100)");
  await pool.query("INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents) VALUES ('p-locked', 'm1', 'L', 'h', 'Home', 'FWD', 100)");
  // As the gateway wires it, with the courtesy lock replaced: p-locked is locked for 42 s.
  gateway = await harness.start({ routeModules: [orderRoutes({
    rateLimit: { ordersPerSecond: 1, burstOrders: 30 },
    tradeLock: (playerId, matchId, nowMs) => (playerId === 'p-locked' && matchId === 'm1' ? nowMs + 42_000 : null),
  })] });
  url = gateway.httpUrl('');
  token = await harness.token('carol');
  daveToken = await harness.token('dave');
});
afterAll(async () => {
  await pool?.end();
  await harness?.close();
});

const recordsOnOrders = async (): Promise<number> => {
  const admin = harness.env.kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(`${harness.env.prefix}orders`);
  await admin.disconnect();
  return offsets.reduce((n, p) => n + Number(p.high), 0);
};
const keyRows = async (): Promise<number> => Number((await pool.query('SELECT count(*) AS n FROM order_keys')).rows[0].n);

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

  it('wrote nothing for any refused request, while a valid order right after is recorded and produced', async () => {
    expect([await keyRows(), await recordsOnOrders()]).toEqual([0, 0]);
    const accepted = await post(JSON.stringify(valid), { 'idempotency-key': 'ok-1' });
    expect(accepted.status).toBe(202);
    acceptedOrderId = (accepted.body as { orderId?: string }).orderId ?? '';
    expect(acceptedOrderId).toMatch(/^[0-9a-f-]{36}$/);
    expect([await keyRows(), await recordsOnOrders()]).toEqual([1, 1]);
  });

  it('shows a user their own order, and nobody else', async () => {
    const get = async (orderId: string, bearer: string) => {
      const res = await fetch(`${url}/orders/${orderId}`, { headers: { authorization: `Bearer ${bearer}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
    };
    const own = await get(acceptedOrderId, token);
    expect(own).toMatchObject({ status: 200, body: { orderId: acceptedOrderId, idempotencyKey: 'ok-1', status: 'PENDING', result: null } });
    expect(typeof own.body['placedAt']).toBe('number');
    const othersView = await get(acceptedOrderId, daveToken);
    expect([othersView.status, othersView.body.error?.code]).toEqual([404, 'ORDER_NOT_FOUND']);
    const missing = await get('some-id', token);
    expect([missing.status, missing.body.error?.code]).toEqual([404, 'ORDER_NOT_FOUND']);
    expect((await fetch(`${url}/orders/${acceptedOrderId}`)).status).toBe(401);
  });

  it('limits each user\'s order rate with 429 and Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => post('not json', { authorization: `Bearer ${daveToken}` })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ retryAfter: expect.stringMatching(/^\d+$/), body: { error: { code: 'RATE_LIMITED' } } });
  });
});
