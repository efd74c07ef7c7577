// GET /admin/anomalies on a real gateway over real Kafka and Postgres: a goal
// on the log (match.events + its EVENT tick), orders in the ledger projection;
// the user who bought the scorer between the goal and the feed comes first,
// with the evidence. Without the admin token nothing is revealed, and the
// admin routes are on the internal port only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchEvent, PriceTick } from '@inplay/contracts';
import { anomalyReportFrom } from '@inplay/audit';
import { createPool } from '@inplay/db';
import type { AnomalyReport } from '@inplay/domain';
import type { RouteModule } from '../http/routes';
import { gatewayHarness, type GatewayHarness, type TestGateway } from '../../test/harness';
import { registerAdminRoutes } from './routes';

const ADMIN_TOKEN = 'admin-token-of-at-least-thirty-two-bytes';
const T0 = Date.UTC(2026, 11, 1, 18, 0, 0);

const goal: MatchEvent = {
  eventId: 'test:goal-1', provider: 'test', providerEventId: 'goal-1', matchId: 'test:m1', type: 'GOAL', playerId: 'test:p9', relatedPlayerId: null, teamId: 'test:t1',
  period: 1, matchClockMs: 18 * 60_000, occurredAt: T0, ingestedAt: T0 + 30_000, homeScore: 1, awayScore: 0, attributes: {},
};
const goalTick: PriceTick = {
  playerId: 'test:p9', matchId: 'test:m1', seq: 7, priceCents: 1_150, previousPriceCents: 1_000, cause: 'EVENT', causeEventId: goal.eventId,
  causeEventType: 'GOAL', causeOccurredAt: T0, lockedUntil: null, tickedAt: T0 + 30_050,
};

describe('GET /admin/anomalies', () => {
  let h: GatewayHarness;
  let gateway: TestGateway;
  let disabled: TestGateway;
  beforeAll(async () => {
    h = await gatewayHarness();
    await h.records.send('match.events', [{ key: goal.matchId, value: goal }]);
    await h.sendTicks([goalTick]);
    const order = `INSERT INTO orders (order_id, user_id, idempotency_key, player_id, side, quantity, placed_at, status, fill_price_cents, settled_at)
                   VALUES ($1, $2, $1, 'test:p9', $3, $4, to_timestamp($5 / 1000.0), 'FILLED', 1000, to_timestamp($5 / 1000.0))`;
    const pool = createPool(h.env.databaseUrl, { max: 1 });
    try {
      await pool.query(order, ['o-front', 'front-runner', 'BUY', 40, T0 + 5_000]);
      await pool.query(order, ['o-early', 'honest-1', 'BUY', 2, T0 - 120_000]);
      await pool.query(order, ['o-sell', 'honest-2', 'SELL', 3, T0 + 1_000]);
    } finally {
      await pool.end();
    }
    const admin = (adminToken: string | undefined): RouteModule => (app, deps) => {
      registerAdminRoutes(app, { adminToken, logger: deps.logger, anomalies: (q) => anomalyReportFrom({ kafka: deps.kafka, serde: deps.serde, pool: deps.pool, topicPrefix: deps.config.topicPrefix }, q) });
    };
    gateway = await h.start({ internalRouteModules: [admin(ADMIN_TOKEN)] });
    disabled = await h.start({ internalRouteModules: [admin(undefined)] });
  });
  afterAll(async () => h?.close());

  const get = (g: TestGateway, query = '', token?: string) =>
    fetch(g.internalUrl(`/admin/anomalies${query}`), token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it('serves /admin/anomalies and /metrics on the internal port only: the public port answers 404 and keeps /health', async () => {
    const internal = await get(gateway, '', ADMIN_TOKEN);
    expect(internal.status).toBe(200);
    const metrics = await fetch(gateway.internalUrl('/metrics'));
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('gateway_connections');
    expect(gateway.internalPort).not.toBe(gateway.port);
    for (const path of ['/admin/anomalies', '/metrics']) {
      const res = await fetch(gateway.httpUrl(path), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status, `public ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    for (const url of [gateway.httpUrl('/health'), gateway.internalUrl('/health')]) expect((await fetch(url)).status, url).toBe(200);
  });

  it('ranks the user who bought the scorer between the goal and the feed first, with orders, event and P&L', async () => {
    const res = await get(gateway, '', ADMIN_TOKEN);
    expect(res.status).toBe(200);
    const report = (await res.json()) as AnomalyReport;
    expect(report.priceMovingEvents).toBe(1);
    expect(report.users.map((u) => [u.userId, u.edgeCents])).toEqual([['front-runner', 6_000], ['honest-2', -450]]);
    expect(report.users[0]?.evidence[0]).toMatchObject({
      order: { orderId: 'o-front', side: 'BUY', quantity: 40, fillPriceCents: 1_000 },
      move: { eventId: goal.eventId, eventType: 'GOAL', occurredAt: T0, ingestedAt: T0 + 30_000, priceBeforeCents: 1_000, priceAfterCents: 1_150 },
      placedBeforeOccurredMs: -5_000, withMove: true, edgeCents: 6_000,
    });
    const limited = (await (await get(gateway, '?limit=1&epsilonMs=0', ADMIN_TOKEN)).json()) as AnomalyReport;
    expect(limited.users.map((u) => u.userId)).toEqual(['front-runner']);
    expect(limited.epsilonMs).toBe(0);
  });

  it('reveals nothing without the admin token, and says why', async () => {
    for (const token of [undefined, 'wrong-token', await h.token('front-runner')]) {
      const res = await get(gateway, '', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toEqual({ error: { code: 'ADMIN_TOKEN_INVALID', message: expect.stringContaining('GATEWAY_ADMIN_TOKEN') } });
    }
    const off = await get(disabled, '', ADMIN_TOKEN);
    expect(off.status).toBe(503);
    expect(((await off.json()) as { error: { code: string } }).error.code).toBe('ADMIN_DISABLED');
  });

  it('answers a bad query with 400 and the parameter at fault', async () => {
    for (const [query, fault] of [['?limit=0', 'limit'], ['?epsilonMs=-5', 'epsilonMs'], ['?minMoveBp=abc', 'minMoveBp'], ['?user=x', 'unknown'], ['?match=%27%3B%20drop', 'match']] as const) {
      const res = await get(gateway, query, ADMIN_TOKEN);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('BAD_QUERY');
      expect(body.error.message).toContain(fault);
    }
  });
});
