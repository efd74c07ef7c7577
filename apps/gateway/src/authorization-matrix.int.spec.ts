// Who may do what, for every route the gateway serves (public and internal
// port, as main.ts wires them: gatewayModules) and every WebSocket operation,
// for seven callers: anonymous, user A, user B, the admin token, a forged token
// (wrong key), an expired one and a revoked one. Every cell is asserted; the
// rows are checked against the routes the gateway registered, so a new route
// without a row here fails this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type uWS from 'uWebSockets.js';
import type { OrderResult } from '@inplay/contracts';
import { createPool, type Pool } from '@inplay/db';
import { gatewayHarness, type GatewayHarness, type TestGateway } from '../test/harness';
import type { TestWsClient } from '../test/ws-client';
import { gatewayModules } from './modules';
import { staticRoutes } from './http/static';
import { registerAuthRoutes } from './auth';
import { CLOSE, ERROR, SUBPROTOCOL } from './protocol/codes';

const PRINCIPALS = ['anonymous', 'userA', 'userB', 'admin', 'forged', 'expired', 'revoked'] as const;
type Principal = (typeof PRINCIPALS)[number];
/** Letters only, so it is also a valid Sec-WebSocket-Protocol token. */
const ADMIN_TOKEN = 'matrixAdminTokenOfAtLeastThirtyTwoBytesLong';
const A = 'alice';
const B = 'bob';
const T0 = Date.UTC(2026, 10, 24, 18, 0);

let h: GatewayHarness;
let gw: TestGateway;
let pool: Pool;
let tokens: Record<Exclude<Principal, 'anonymous' | 'admin'>, string>;
let orderOfA = '';
let orderOfB = '';

/** The Authorization header of a caller; `fresh` issues a new token for A and B (for routes that use their token up). */
async function authorization(who: Principal, fresh = false): Promise<Record<string, string>> {
  if (who === 'anonymous') return {};
  if (who === 'admin') return { authorization: `Bearer ${ADMIN_TOKEN}` };
  if (fresh && (who === 'userA' || who === 'userB')) return { authorization: `Bearer ${await h.token(who === 'userA' ? A : B)}` };
  return { authorization: `Bearer ${tokens[who]}` };
}

interface Row {
  /** The listener and the route as the gateway registered it: "public GET /orders/:id". */
  route: string;
  /** What this row asks (a route may have several rows, e.g. A's order and B's order). */
  case?: string;
  request: (who: Principal) => Promise<{ path: string; method?: string; body?: unknown; headers?: Record<string, string> }>;
  /** Expected status per caller, in PRINCIPALS order: anonymous, A, B, admin, forged, expired, revoked. */
  expect: [number, number, number, number, number, number, number];
  /** Extra checks on a 200 answer (whose data it is). */
  body?: (who: Principal, body: Record<string, unknown>) => void;
}

const get = (path: string) => async (who: Principal) => ({ path, headers: await authorization(who) });
const ownData = (who: Principal, body: Record<string, unknown>) => expect(body['userId']).toBe(who === 'userA' ? A : B);

const MATRIX: Row[] = [
  { route: 'public GET /health', request: get('/health'), expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: 'public GET /prices', request: get('/prices'), expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: 'public GET /matches', request: get('/matches'), expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: 'public GET /players', request: get('/players'), expect: [200, 200, 200, 200, 200, 200, 200] },
  // The HTTP contract (docs/api/openapi.yaml), for client generators: public like the page.
  { route: 'public GET /openapi.yaml', request: get('/openapi.yaml'), expect: [200, 200, 200, 200, 200, 200, 200] },
  // Public, with the caller's own entry when a token is sent: a bad token is refused rather than ignored.
  { route: 'public GET /leaderboard', request: get('/leaderboard'), expect: [200, 200, 200, 401, 401, 401, 401] },
  {
    route: 'public POST /orders',
    request: async (who) => ({ path: '/orders', method: 'POST', body: { playerId: 'p1', side: 'buy', quantity: 1 }, headers: { ...(await authorization(who)), 'idempotency-key': randomUUID() } }),
    expect: [401, 202, 202, 401, 401, 401, 401],
  },
  // Each caller's own orders only: A's list holds A's order and never B's, and the other way round.
  {
    route: 'public GET /orders', request: get('/orders?limit=100'), expect: [401, 200, 200, 401, 401, 401, 401],
    body: (who, body) => {
      const ids = (body['orders'] as { orderId: string }[]).map((o) => o.orderId);
      expect(ids).toContain(who === 'userA' ? orderOfA : orderOfB);
      expect(ids).not.toContain(who === 'userA' ? orderOfB : orderOfA);
    },
  },
  { route: 'public GET /orders/:id', case: "A's order", request: async (who) => ({ path: `/orders/${orderOfA}`, headers: await authorization(who) }), expect: [401, 200, 404, 401, 401, 401, 401] },
  { route: 'public GET /orders/:id', case: "B's order", request: async (who) => ({ path: `/orders/${orderOfB}`, headers: await authorization(who) }), expect: [401, 404, 200, 401, 401, 401, 401] },
  { route: 'public GET /portfolio', request: get('/portfolio'), expect: [401, 200, 200, 401, 401, 401, 401], body: ownData },
  { route: 'public POST /auth/refresh', request: async (who) => ({ path: '/auth/refresh', method: 'POST', headers: await authorization(who) }), expect: [401, 200, 200, 401, 401, 401, 401], body: ownData },
  { route: 'public POST /auth/logout', request: async (who) => ({ path: '/auth/logout', method: 'POST', headers: await authorization(who, true) }), expect: [401, 200, 200, 401, 401, 401, 401] },
  // Development only (GATEWAY_DEV_LOGIN; refused in production at start-up): a token for anyone who asks.
  { route: 'public POST /dev/login', request: async (who) => ({ path: '/dev/login', method: 'POST', body: { userId: 'walk-in' }, headers: await authorization(who) }), expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: 'public GET /', request: get('/'), expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: 'public GET /index.html', request: get('/index.html'), expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: 'public GET /assets/*', request: get('/assets/app.js'), expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: 'public ANY /*', case: 'operator routes are not on the public port', request: get('/admin/anomalies'), expect: [404, 404, 404, 404, 404, 404, 404] },
  // Orders execute or wait for their policy's moment; none can be cancelled, so A cannot cancel B's (nor anyone anyone's).
  { route: 'public ANY /*', case: "cancelling B's order", request: async (who) => ({ path: `/orders/${orderOfB}`, method: 'DELETE', headers: await authorization(who) }), expect: [404, 404, 404, 404, 404, 404, 404] },
  { route: 'internal GET /health', request: get('/health'), expect: [200, 200, 200, 200, 200, 200, 200] },
  // The internal port is reachable from the monitoring network only (NetworkPolicy); /metrics has no secret in it.
  { route: 'internal GET /metrics', request: get('/metrics'), expect: [200, 200, 200, 200, 200, 200, 200] },
  { route: 'internal GET /admin/anomalies', request: get('/admin/anomalies?limit=1'), expect: [401, 401, 401, 200, 401, 401, 401] },
  {
    route: 'internal POST /admin/tokens/revoke',
    request: async (who) => ({ path: '/admin/tokens/revoke', method: 'POST', body: { jti: `matrix-${randomUUID()}` }, headers: await authorization(who) }),
    expect: [401, 401, 401, 200, 401, 401, 401],
  },
  { route: 'internal ANY /*', case: 'user routes are not on the internal port', request: get('/portfolio'), expect: [404, 404, 404, 404, 404, 404, 404] },
];

async function send(row: Row, who: Principal): Promise<{ status: number; body: Record<string, unknown> }> {
  const { path, method = 'GET', body, headers = {} } = await row.request(who);
  const url = row.route.startsWith('internal ') ? gw.internalUrl(path) : gw.httpUrl(path);
  const res = await fetch(url, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try { parsed = JSON.parse(text) as Record<string, unknown>; } catch { parsed = { text }; }
  return { status: res.status, body: parsed };
}

const result = (orderId: string, userId: string): OrderResult => ({
  orderId, userId, idempotencyKey: orderId, playerId: 'p1', side: 'BUY', quantity: 1, status: 'FILLED', reason: null,
  fillPriceCents: 100, tickSeq: 1, costCents: 100, retryAfterMs: null, cashAfterCents: 900, placedAt: T0, settledAt: T0,
});

beforeAll(async () => {
  h = await gatewayHarness();
  pool = createPool(h.env.databaseUrl, { max: 2 });
  for (const user of [A, B]) {
    await pool.query('INSERT INTO users (user_id, display_name) VALUES ($1, $1)', [user]);
    await pool.query('INSERT INTO accounts (user_id, cash_cents) VALUES ($1, 100000)', [user]);
  }
  await pool.query("INSERT INTO matches VALUES ('m1', 'test', 'h', 'Home', 'a', 'Away', now())");
  await pool.query("INSERT INTO players (player_id, match_id, name, team_id, team_name, position, initial_price_cents) VALUES ('p1', 'm1', 'P', 'h', 'Home', 'MID', 100)");
  await h.sendLeaderboard({ boardId: 'overall', computedAt: T0, totalUsers: 2, entries: [{ rank: 1, userId: B, valueCents: 120 }, { rank: 2, userId: A, valueCents: 80 }] });
  const page = new Map([['/index.html', { body: Buffer.from('<!doctype html>'), type: 'text/html', immutable: false }], ['/assets/app.js', { body: Buffer.from('//'), type: 'text/javascript', immutable: true }]]);
  gw = await h.start(gatewayModules({ devLogin: true, adminToken: ADMIN_TOKEN }, staticRoutes(page)));
  tokens = {
    userA: await h.token(A),
    userB: await h.token(B),
    forged: await h.token(A, { secret: 'another-secret-that-is-at-least-32-bytes' }),
    expired: await h.token(A, { ttlMs: 60_000, nowMs: Date.now() - 3_600_000 }),
    revoked: await h.token(A),
  };
  const logout = await fetch(gw.httpUrl('/auth/logout'), { method: 'POST', headers: { authorization: `Bearer ${tokens.revoked}` } });
  expect(logout.status).toBe(200);
  for (const [who, set] of [['userA', (id: string) => { orderOfA = id; }], ['userB', (id: string) => { orderOfB = id; }]] as const) {
    const placed = await send(MATRIX.find((r) => r.route === 'public POST /orders')!, who);
    expect(placed.status).toBe(202);
    set(String(placed.body['orderId']));
  }
});
afterAll(async () => {
  await pool?.end();
  await h?.close();
});

describe('the authorization matrix (HTTP)', () => {
  it('has a row for every route the gateway serves, and no row for a route it does not', () => {
    const served = [...gw.routes.public.map((r) => `public ${r}`), ...gw.routes.internal.map((r) => `internal ${r}`)].filter((r) => r !== 'public WS /ws');
    expect([...new Set(MATRIX.map((r) => r.route))].sort()).toEqual([...new Set(served)].sort());
  });

  it.each(MATRIX.map((row) => [`${row.route}${row.case ? ` (${row.case})` : ''}`, row] as const))('%s answers each caller as the table says', async (_name, row) => {
    const got: Record<string, number> = {};
    for (const who of PRINCIPALS) {
      const answer = await send(row, who);
      got[who] = answer.status;
      if (answer.status === 200 && row.body && (who === 'userA' || who === 'userB')) row.body(who, answer.body);
      if (answer.status === 401) expect(answer.body, `${who}: a refusal says why`).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect(got).toEqual(Object.fromEntries(PRINCIPALS.map((who, i) => [who, row.expect[i]])));
  });

  it('refuses each bad token with its own code: TOKEN_MALFORMED, TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED', async () => {
    const codes: Record<string, unknown> = {};
    for (const who of ['admin', 'forged', 'expired', 'revoked'] as const) codes[who] = ((await send(MATRIX.find((r) => r.route === 'public GET /portfolio')!, who)).body['error'] as { code: string }).code;
    expect(codes).toEqual({ admin: 'TOKEN_MALFORMED', forged: 'TOKEN_INVALID', expired: 'TOKEN_EXPIRED', revoked: 'TOKEN_REVOKED' });
  });

  it('registers POST /dev/login only when the dev login is on', () => {
    const routesOf = (devLogin: boolean): string[] => {
      const routes: string[] = [];
      const app = new Proxy({}, { get: (_t, method) => (pattern: string) => { routes.push(`${String(method).toUpperCase()} ${pattern}`); } }) as unknown as uWS.TemplatedApp;
      registerAuthRoutes(app, { tokens: {} as never, logger: {} as never, devLogin });
      return routes;
    };
    expect(routesOf(true)).toContain('POST /dev/login');
    expect(routesOf(false)).not.toContain('POST /dev/login');
    expect(routesOf(false)).toEqual(['POST /auth/refresh', 'POST /auth/logout']);
  });
});

/** What a socket of each caller may do. `auth`: whose socket it becomes, or the error and close code it gets. */
const WS_MATRIX: Record<Principal, { auth: string | null | { error: keyof typeof ERROR; close: number } }> = {
  anonymous: { auth: null },
  userA: { auth: A },
  userB: { auth: B },
  admin: { auth: { error: 'TOKEN_MALFORMED', close: CLOSE.AUTH_FAILED } },
  forged: { auth: { error: 'TOKEN_INVALID', close: CLOSE.AUTH_FAILED } },
  expired: { auth: { error: 'TOKEN_EXPIRED', close: CLOSE.TOKEN_EXPIRED } },
  revoked: { auth: { error: 'TOKEN_REVOKED', close: CLOSE.TOKEN_REVOKED } },
};

const tokenOf = (who: Principal): string | null => (who === 'anonymous' ? null : who === 'admin' ? ADMIN_TOKEN : tokens[who]);

describe.each(['an auth message', 'the bearer subprotocol'] as const)('the authorization matrix (WebSocket, token in %s)', (via) => {
  const sockets = new Map<Principal, TestWsClient>();

  beforeAll(async () => {
    for (const who of PRINCIPALS) {
      const token = tokenOf(who);
      const client = await gw.connect(undefined, via === 'the bearer subprotocol' && token ? { protocols: [SUBPROTOCOL, `bearer.${token}`] } : {});
      sockets.set(who, client);
      if (via === 'an auth message') {
        // Public prices may be read before authenticating.
        await client.waitFor('hello', () => client.ofType('hello')[0]);
        client.sendJson({ op: 'subscribe', players: ['p1'] });
        await client.waitForMessage('a snapshot before auth', (m) => m['type'] === 'snapshot' && m['player'] === 'p1');
        if (token) client.sendJson({ op: 'auth', token });
      }
      await client.waitFor(`${who}: authenticated, anonymous or closed`, () => client.ofType('authenticated')[0] ?? client.closeFrame ?? (client.ofType('hello')[0]?.['userId'] ?? (token ? undefined : client.ofType('hello')[0])));
    }
  });
  afterAll(() => { for (const client of sockets.values()) client.destroy(); });

  it.each(PRINCIPALS)('%s: the socket is whose the table says, or is told why and closed with the table\'s code', async (who) => {
    const client = sockets.get(who)!;
    const expected = WS_MATRIX[who].auth;
    if (expected === null) {
      expect(client.ofType('hello')[0]).toMatchObject({ userId: null });
      expect(client.closeFrame).toBeNull();
    } else if (typeof expected === 'string') {
      const userId = via === 'an auth message' ? client.ofType('authenticated')[0]?.['userId'] : client.ofType('hello')[0]?.['userId'];
      expect(userId).toBe(expected);
    } else {
      expect(await client.waitForMessage(expected.error, (m) => m['type'] === 'error')).toMatchObject({ name: expected.error, code: ERROR[expected.error] });
      expect(await client.waitForClose()).toMatchObject({ code: expected.close });
    }
  });

  it('subscribing to a private channel by name is not an operation: the id is refused (BAD_MESSAGE) for every open socket', async () => {
    const open = PRINCIPALS.filter((who) => !sockets.get(who)!.closeFrame);
    expect(open).toEqual(['anonymous', 'userA', 'userB']);
    for (const who of open) {
      const client = sockets.get(who)!;
      // Not a valid player id (docs/api/asyncapi.yaml says so too): sent unchecked.
      client.sendText(JSON.stringify({ op: 'subscribe', players: ['user/bob'] }));
      expect(await client.waitForMessage(`${who}: BAD_MESSAGE`, (m) => m['type'] === 'error' && m['op'] === 'subscribe')).toMatchObject({ name: 'BAD_MESSAGE' });
    }
  });

  it("delivers A's private records to A's socket only and B's to B's only; public prices to every open socket", async () => {
    const orderId = randomUUID();
    await h.sendOrderResults([result(`${orderId}-a`, A), result(`${orderId}-b`, B)]);
    const a = sockets.get('userA')!;
    const b = sockets.get('userB')!;
    await a.waitFor("A's result", () => a.ofType('order.result').some((m) => m['orderId'] === `${orderId}-a`));
    await b.waitFor("B's result", () => b.ofType('order.result').some((m) => m['orderId'] === `${orderId}-b`));
    const received = Object.fromEntries(PRINCIPALS.map((who) => [who, sockets.get(who)!.ofType('order.result').map((m) => m['userId']).filter((u, i, all) => all.indexOf(u) === i)]));
    expect(received).toEqual({ anonymous: [], userA: [A], userB: [B], admin: [], forged: [], expired: [], revoked: [] });
    for (const who of ['anonymous', 'userA', 'userB'] as const) {
      const client = sockets.get(who)!;
      if (via === 'the bearer subprotocol') client.sendJson({ op: 'subscribe', players: ['p1'] });
      await client.waitForMessage(`${who}: the public snapshot`, (m) => m['type'] === 'snapshot' && m['player'] === 'p1');
    }
  });
});
