// @inplay/leaderboard: ranked boards from order.results and price.ticks.
export { startLeaderboard, DEFAULT_RECOMPUTE_MS, type LeaderboardOptions, type RunningLeaderboard } from './leaderboard';
export { computeAllBoards, computeBoard, playersOfAllMatches, snapshotOf, DEFAULT_TOP_ENTRIES } from './boards';
export { createLeaderboardMetrics, DEFAULT_LEADERBOARD_METRICS_PORT, type LeaderboardMetrics } from './metrics';
export { loadSnapshots, saveSnapshots, openingBalances, playersOfMatches } from './store';
export { loadLeaderboardSettings } from './settings';
