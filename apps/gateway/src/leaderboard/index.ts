// Leaderboard module of the gateway: GET /leaderboard from the boards the gateway's feed keeps.
import type { RouteModule } from '../http/routes';
import { registerLeaderboardRoutes } from './routes';

export { registerLeaderboardRoutes, DEFAULT_LEADERBOARD_LIMIT, MAX_LEADERBOARD_LIMIT, type LeaderboardRoutesDeps } from './routes';
export { createLeaderboardBoards, type LeaderboardBoards } from './boards';

export const leaderboardRoutes = (): RouteModule => (app, deps) => {
  registerLeaderboardRoutes(app, { tokens: deps.tokens, snapshot: (boardId) => deps.leaderboards.snapshot(boardId), logger: deps.logger });
};
