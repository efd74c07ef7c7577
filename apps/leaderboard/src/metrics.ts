// The leaderboard's Prometheus metrics, served with /health on METRICS_PORT.
import { deadLetterCounter, type OnDeadLetter } from '@inplay/kafka';
import { Counter, Gauge, Histogram, createMetrics, type Registry } from '@inplay/telemetry';

export const DEFAULT_LEADERBOARD_METRICS_PORT = 9405;

export interface LeaderboardMetrics {
  registry: Registry;
  results: Counter;
  ticks: Counter;
  recomputeMs: Histogram;
  users: Gauge;
  boards: Gauge;
  /** Counts each record of price.ticks or order.results sent to dead.letter (inplay_dead_letters_total, the alert). */
  deadLetters: OnDeadLetter;
}

export function createLeaderboardMetrics(): LeaderboardMetrics {
  const registry = createMetrics('leaderboard');
  return {
    registry,
    results: new Counter({ name: 'inplay_leaderboard_results_total', help: 'order results applied (duplicates excluded)', registers: [registry] }),
    ticks: new Counter({ name: 'inplay_leaderboard_ticks_total', help: 'price ticks applied', registers: [registry] }),
    recomputeMs: new Histogram({ name: 'inplay_leaderboard_recompute_ms', help: 'ranking every board and publishing the changed ones, ms', buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1_000], registers: [registry] }),
    users: new Gauge({ name: 'inplay_leaderboard_users', help: 'users in the standings', registers: [registry] }),
    boards: new Gauge({ name: 'inplay_leaderboard_boards', help: 'boards ranked', registers: [registry] }),
    deadLetters: deadLetterCounter(registry, ['price.ticks', 'order.results']),
  };
}
