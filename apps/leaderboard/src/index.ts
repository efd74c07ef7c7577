// @inplay/leaderboard: ranked boards from order.results and price.ticks.
export { startLeaderboard, DEFAULT_RECOMPUTE_MS, type LeaderboardOptions, type RunningLeaderboard } from './leaderboard';
export { createLeaderboardMetrics, DEFAULT_LEADERBOARD_METRICS_PORT, type LeaderboardMetrics } from './metrics';
export { loadSnapshots, saveSnapshots } from './store';
export { loadLeaderboardSettings } from './settings';
