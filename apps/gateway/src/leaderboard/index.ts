// Leaderboard module of the gateway: main starts the feed and calls registerLeaderboardRoutes on its uWS app.
export { registerLeaderboardRoutes, DEFAULT_LEADERBOARD_LIMIT, MAX_LEADERBOARD_LIMIT, type LeaderboardRoutesDeps } from './routes';
export { startLeaderboardFeed, type LeaderboardFeed } from './feed';
