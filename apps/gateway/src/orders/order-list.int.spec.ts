// GET /orders against real Postgres and Kafka: each user sees their own orders
// only, newest first, page by page through the cursor with none lost or
// repeated; settled, refused, voided and pending orders each say so (in words
// where there is a reason); bad parameters are refused by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, insertOrderRows, type Pool } from '@inplay/db';
import type { OrderRow } from '@inplay/domain';
import { gatewayHarness, type GatewayHarness } from '../../test/harness';
import { orderRoutes } from './index';

let harness: GatewayHarness;
let pool: Pool;
let url: string;
const tokens: Record<string, string> = {};
/** carol's orders as placed, oldest first. */
const carols: { orderId: string; key: string; quantity: number }[] = [];
let davesOrder = '';

interface Item { orderId: string; status: string; reason: string | null; reasonText: string | null; fillPriceCents: number | null; voided: boolean; placedAt: number; side: string; quantity: number; playerId: string }
interface Page { orders: Item[]; nextCursor: string | null }

async function list(user: string, query = ''): Promise<{ status: number; body: Page & { error?: { code: string; message: string } } }> {
  const res = await fetch(`${url}/orders${query}`, { headers: user ? { authorization: `Bearer ${tokens[user]}` } : {} });
  return { status: res.status, body: (await res.json()) as Page & { error?: { code: string; message: string } } };
}

async function place(user: string, key: string, quantity: number): Promise<string> {
  const res = await fetch(`${url}/orders`, {
    method: 'POST', body: JSON.stringify({ playerId: 'p1', side: 'buy', quantity }), headers: { authorization: `Bearer ${tokens[user]}`, 'idempotency-key': key },
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { orderId: string }).orderId;
}

const row = (orderId: string, key: string, quantity: number, status: OrderRow['status'], reason: string | null, fill: number | null): OrderRow => ({
  orderId, userId: 'carol', idempotencyKey: key, playerId: 'p1', side: 'BUY', quantity, limitPriceCents: null, placedAt: Date.now(), status, reason,
  fillPriceCents: fill, tickSeq: fill === null ? null : 1, costCents: fill === null ? null : fill * quantity, retryAfterMs: null, cashAfterCents: 0, settledAt: Date.now(),
});

beforeAll(async () => {
  harness = await gatewayHarness();
  pool = createPool(harness.env.databaseUrl, { max: 2 });
  for (const user of ['carol', 'dave']) {
    await pool.query('INSERT INTO users (user_id, display_name) VALUES ($1, $1)', [user]);
    await pool.query('INSERT INTO accounts (user_id, cash_cents) VALUES ($1, 100000)', [user]);
  }
  await pool.query("INSERT INTO matches VALUES ('m1', 'test', 'h', 'Home', 'a', 'Away', now())");
  await pool.query("INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents) VALUES ('p1', 'm1', 'P', 'h', 'Home', 'MID', 100)");
  const gateway = await harness.start({ routeModules: [orderRoutes({ rateLimit: { ordersPerSecond: 100, burstOrders: 100 } })] });
  url = gateway.httpUrl('');
  tokens['carol'] = await harness.token('carol');
  tokens['dave'] = await harness.token('dave');
  // Seven orders of carol's, one at a time (each placed after the one before), and one of dave's in between.
  for (let i = 1; i <= 7; i++) {
    carols.push({ orderId: await place('carol', `c-${i}`, i), key: `c-${i}`, quantity: i });
    if (i === 4) davesOrder = await place('dave', 'd-1', 9);
  }
  // Settlement's projection for four of them (as settlement writes it): a fill, a refusal, a fill later voided, a sell refused.
  const [c1, c2, c3, c4] = carols as [typeof carols[0], typeof carols[0], typeof carols[0], typeof carols[0]];
  await insertOrderRows(pool, [
    row(c1.orderId, c1.key, 1, 'FILLED', null, 120),
    row(c2.orderId, c2.key, 2, 'REJECTED', 'INSUFFICIENT_FUNDS', null),
    row(c3.orderId, c3.key, 3, 'VOIDED', 'VOIDED_EVENT', 130),
    row(c4.orderId, c4.key, 4, 'REJECTED', 'SOMETHING_NEW', null),
  ]);
});
afterAll(async () => {
  await pool?.end();
  await harness?.close();
});

describe('GET /orders', () => {
  it("lists the caller's own orders newest first, each with its status, fill and reason in words", async () => {
    const { status, body } = await list('carol', '?limit=100');
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    expect(body.orders.map((o) => o.orderId)).toEqual(carols.map((c) => c.orderId).reverse());
    const byId = new Map(body.orders.map((o) => [o.orderId, o]));
    const [c1, c2, c3, c4, c5] = carols.map((c) => byId.get(c.orderId));
    expect(c1).toMatchObject({ status: 'FILLED', fillPriceCents: 120, reason: null, reasonText: null, voided: false, side: 'BUY', quantity: 1, playerId: 'p1' });
    expect(c2).toMatchObject({ status: 'REJECTED', fillPriceCents: null, reason: 'INSUFFICIENT_FUNDS', reasonText: 'Not enough cash for this order', voided: false });
    expect(c3).toMatchObject({ status: 'VOIDED', fillPriceCents: 130, reason: 'VOIDED_EVENT', voided: true });
    expect(c3?.reasonText).toMatch(/^Voided: /);
    expect(c4).toMatchObject({ status: 'REJECTED', reason: 'SOMETHING_NEW', reasonText: 'Rejected (SOMETHING_NEW)' });
    expect(c5).toMatchObject({ status: 'PENDING', reason: null, reasonText: 'Waiting for its result', fillPriceCents: null, quantity: 5, settledAt: null });
    for (let i = 1; i < body.orders.length; i++) expect(body.orders[i - 1]!.placedAt).toBeGreaterThanOrEqual(body.orders[i]!.placedAt);
  });

  it('never shows another user their orders', async () => {
    const dave = await list('dave');
    expect(dave.body.orders.map((o) => o.orderId)).toEqual([davesOrder]);
    const carol = await list('carol', '?limit=100');
    expect(carol.body.orders.map((o) => o.orderId)).not.toContain(davesOrder);
  });

  it('pages through every order once, in order, following nextCursor', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const { status, body }: Awaited<ReturnType<typeof list>> = await list('carol', `?limit=3${cursor ? `&before=${cursor}` : ''}`);
      expect(status).toBe(200);
      seen.push(...body.orders.map((o) => o.orderId));
      sizes.push(body.orders.length);
      cursor = body.nextCursor;
    } while (cursor !== null && sizes.length < 10);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(carols.map((c) => c.orderId).reverse());
  });

  it('gives a page that ends exactly at the last order no further cursor', async () => {
    const first = await list('carol', '?limit=7');
    expect(first.body.orders).toHaveLength(7);
    expect(first.body.nextCursor).toBeNull();
  });

  it.each([
    ['?limit=0', 'LIMIT_INVALID', 'limit'],
    ['?limit=101', 'LIMIT_INVALID', 'limit'],
    ['?limit=abc', 'LIMIT_INVALID', 'limit'],
    ['?limit=1&limit=2', 'LIMIT_INVALID', 'limit'],
    ['?before=%25%25', 'CURSOR_INVALID', 'before'],
    [`?before=${Buffer.from('soon:x').toString('base64url')}`, 'CURSOR_INVALID', 'before'],
    ['?user=dave', 'PARAMETER_UNKNOWN', 'user'],
  ])('refuses %s with 400 %s, naming %s', async (query, code, parameter) => {
    const { status, body } = await list('carol', query);
    expect([status, body.error?.code]).toEqual([400, code]);
    expect(body.error?.message).toContain(parameter);
  });

  it('requires a token', async () => {
    const { status, body } = await list('');
    expect([status, body.error?.code]).toEqual([401, 'TOKEN_MISSING']);
  });
});
