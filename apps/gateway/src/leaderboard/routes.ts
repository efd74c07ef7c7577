// GET /leaderboard?board=overall|match:<id>&limit=N: the latest snapshot of a
// board, from memory (fed by the compacted `leaderboard` topic), with the
// caller's own entry when a valid bearer token is sent. A snapshot lists the
// top entries only; a caller ranked below them gets `you: null, beyondTop: true`.
import type uWS from 'uWebSockets.js';
import { httpRefusal, type TokenGuard } from '../auth/token-guard';
import type { LeaderboardSnapshot } from '@inplay/contracts';
import { OVERALL_BOARD, parseBoardId } from '@inplay/domain';
import type { Logger } from '@inplay/telemetry';
import { errorAnswer, serveAsync, type HttpAnswer } from '../http/respond';

export const DEFAULT_LEADERBOARD_LIMIT = 20;
export const MAX_LEADERBOARD_LIMIT = 1_000;

export interface LeaderboardRoutesDeps {
  tokens: TokenGuard;
  snapshot: (boardId: string) => LeaderboardSnapshot | undefined;
  logger: Logger;
}

export function registerLeaderboardRoutes(app: uWS.TemplatedApp, deps: LeaderboardRoutesDeps): uWS.TemplatedApp {
  app.get('/leaderboard', (res, req) => {
    const authorization = req.getHeader('authorization');
    const query = new URLSearchParams(req.getQuery() ?? '');
    serveAsync(res, () => answer(query, authorization, deps), (err) => deps.logger.error({ err }, 'leaderboard failed'), req.getHeader('accept-encoding'));
  });
  return app;
}

async function answer(query: URLSearchParams, authorization: string, deps: LeaderboardRoutesDeps): Promise<HttpAnswer> {
  const boardId = query.get('board') ?? OVERALL_BOARD;
  if (!parseBoardId(boardId)) return errorAnswer(400, 'BOARD_INVALID', 'board: "overall" or "match:<matchId>"');
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? DEFAULT_LEADERBOARD_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LEADERBOARD_LIMIT) return errorAnswer(400, 'LIMIT_INVALID', `limit: an integer in 1..${MAX_LEADERBOARD_LIMIT}`);
  let userId: string | null = null;
  if (authorization) {
    const verified = await deps.tokens.check(authorization);
    if (!verified.ok) {
      const { status, headers } = httpRefusal(verified);
      return errorAnswer(status, verified.code, verified.message, headers);
    }
    userId = verified.identity.userId;
  }
  const snapshot = deps.snapshot(boardId);
  if (!snapshot) return errorAnswer(404, 'BOARD_UNKNOWN', `no snapshot of board ${boardId} yet`);
  const you = userId === null ? undefined : snapshot.entries.find((e) => e.userId === userId) ?? null;
  return {
    status: 200,
    body: {
      boardId, computedAt: snapshot.computedAt, totalUsers: snapshot.totalUsers, entries: snapshot.entries.slice(0, limit),
      ...(you !== undefined ? { you, beyondTop: you === null } : {}),
    },
  };
}
