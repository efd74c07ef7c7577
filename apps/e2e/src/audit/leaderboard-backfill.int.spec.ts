// The leaderboard end to end on a recorded history: the live service ranks
// and publishes; the gateway modules serve GET /leaderboard (with the
// caller's rank) and GET /portfolio; a backfill of the per-match board equals
// the live one, resumes after an interruption and is idempotent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, signingKey } from '@inplay/auth';
import type { LeaderboardSnapshot } from '@inplay/contracts';
import { MAX_BOARD_ENTRIES } from '@inplay/domain';
import type { Pool } from '@inplay/db';
import { startLeaderboard, type RunningLeaderboard } from '@inplay/leaderboard';
import { createLogger } from '@inplay/telemetry';
import { eventually, type IsolatedEnv } from '@inplay/testing';
import { runBackfill } from '@inplay/audit';
import { leaderboardRoutes, portfolioRoutes, type RunningGateway } from '@inplay/gateway';
import { JWT_SECRET, startTestGateway } from '../gateway.fixtures';
import { settledHistory, type SettledHistory } from './history.fixtures';

let history: SettledHistory;
let env: IsolatedEnv;
let pool: Pool;
let leaderboard: RunningLeaderboard;
let gateway: RunningGateway;
let url: string;

beforeAll(async () => {
  history = await settledHistory({ users: 30, players: 6, ticksPerPlayer: 50, orders: 1_500, seed: 'board' });
  ({ env, pool } = history);
  leaderboard = await startLeaderboard({ brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, topicPrefix: env.prefix,
    recomputeMs: 200, logger: createLogger('leaderboard-test', 'silent'), onFatal: (err) => { throw err; } });
  await leaderboard.ready;
  // The real gateway: boards from its feed, portfolios priced from its own latest ticks.
  const started = await startTestGateway(env, [portfolioRoutes(), leaderboardRoutes()]);
  gateway = started;
  url = started.url;
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await leaderboard?.stop();
  await history?.close();
});

const get = async (path: string, userId?: string) => {
  const res = await fetch(`${url}${path}`, userId ? { headers: { authorization: `Bearer ${await issueToken(signingKey(JWT_SECRET), userId)}` } } : {});
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const backfill = (extra: Partial<Parameters<typeof runBackfill>[0]> = {}) => runBackfill({
  brokers: env.infra.kafkaBrokers, kafkaSecurity: env.kafkaSecurity, registryUrl: env.infra.schemaRegistryUrl, databaseUrl: env.databaseUrl, topicPrefix: env.prefix, board: 'match:m1', progressOut: null, ...extra,
});

describe('leaderboard', () => {
  it('serves a board with the caller\'s own rank, and refuses unknown boards and bad limits', async () => {
    const board = await eventually('the overall board on the gateway', async () => { const r = await get('/leaderboard?board=overall&limit=5', 'u3'); return r.status === 200 ? r.body : undefined; });
    expect(board).toMatchObject({ boardId: 'overall', totalUsers: 30 });
    expect((board['entries'] as unknown[]).length).toBe(5);
    expect(board['you']).toMatchObject({ userId: 'u3', rank: expect.any(Number) });
    expect((await get('/leaderboard?board=weekly')).body).toMatchObject({ error: { code: 'BOARD_INVALID' } });
    expect((await get('/leaderboard?limit=0')).status).toBe(400);
  });

  it('shows the caller\'s portfolio consistent with the ledger', async () => {
    const { status, body } = await get('/portfolio', 'u4');
    expect(status).toBe(200);
    const { rows } = await pool.query<{ cash_cents: string }>("SELECT cash_cents FROM accounts WHERE user_id = 'u4'");
    expect(body).toMatchObject({ userId: 'u4', cashCents: Number(rows[0]!.cash_cents), consistent: true });
    const holdings = body['holdings'] as { quantity: number; valueCents: number; latestPriceCents: number; costBasisCents: number; unrealisedPnlCents: number }[];
    for (const h of holdings) expect(h.unrealisedPnlCents).toBe(h.quantity * h.latestPriceCents - h.costBasisCents);
    expect((await get('/portfolio')).status).toBe(401);
  });

  it('backfills the per-match board equal to the live one, resumably and idempotently', async () => {
    let records = 0;
    const interrupted = await backfill({ checkpointRecords: 100, stopped: () => ++records > 250 });
    expect(interrupted.complete).toBe(false);
    const resumed = await backfill();
    expect(resumed).toMatchObject({ complete: true, resumed: true });
    const live = await eventually('the live per-match board on the gateway', async () => {
      const r = await get(`/leaderboard?board=match:m1&limit=${MAX_BOARD_ENTRIES}`);
      return r.status === 200 ? (r.body as unknown as LeaderboardSnapshot) : undefined;
    });
    const strip = (s: LeaderboardSnapshot | null) => s && { totalUsers: s.totalUsers, entries: s.entries };
    expect(strip(resumed.snapshot)).toEqual(strip(live));
    const again = await backfill();
    expect(again.snapshot).toEqual(resumed.snapshot);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM backfill_progress WHERE board_id = 'match:m1' AND done");
    expect(rows[0].n).toBe(1);
  });
});
