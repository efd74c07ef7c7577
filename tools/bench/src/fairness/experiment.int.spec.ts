// The fairness experiment on real Kafka and Postgres, shortened to the first
// goal of the real match (18'): with no policy the front-runner profits; under
// delayed execution and event-time void his early buy is voided and he makes
// nothing; the anomaly report puts him first when nothing stopped him; the
// audit replay rebuilds each run's ledger (voids included) from the topics.
import { describe, expect, inject, it } from 'vitest';
import { anomalyReport, runReplayAudit } from '@inplay/audit';
import { experimentPolicies, EXPERIMENT_DELAY_MS, EXPERIMENT_FEED_JITTER_MS, EXPERIMENT_FEED_LAG_MS } from './policies';
import { runFairnessExperiment } from './experiment';

/**
 * Simulated ms per wall ms. The policies are timed in match time, so a stall of
 * the box stretches by this factor: the goal's tick must reach settlement
 * within 10 s of match time after the feed (delayed: 40 s delay minus 30 s
 * front-run) and within 15 s (event-time void: 45 s horizon), i.e. within
 * 250 / 375 ms of wall time at 40x.
 */
const EXPERIMENT_TEST_SPEED = 40;

describe('inplay fairness (first 20 minutes of the real match)', () => {
  it('front-running pays with no policy and is voided under delayed execution and event-time void', async () => {
    const infra = inject('infra');
    if (!infra.adminDatabaseUrl) throw new Error('the experiment needs an admin database URL (embedded Postgres)');
    const report = await runFairnessExperiment({
      brokers: infra.kafkaBrokers, kafkaSecurity: infra.kafkaSecurity, registryUrl: infra.schemaRegistryUrl, adminDatabaseUrl: infra.adminDatabaseUrl,
      ...(infra.credentials ? { registryAuth: infra.credentials.registry } : {}),
      policies: experimentPolicies('none,delayed,event-time-void', EXPERIMENT_DELAY_MS),
      speed: EXPERIMENT_TEST_SPEED, honestUsers: 20, honestMeanIntervalMs: 60_000, frontRunMs: 30_000, sellAfterFeedMs: 5_000,
      feedLagMs: EXPERIMENT_FEED_LAG_MS, feedLagJitterMs: EXPERIMENT_FEED_JITTER_MS, untilMinute: 20, afterMatchMs: 120_000, seed: 3,
      audit: async (run) => {
        const r = await runReplayAudit({ ...run, adminDatabaseUrl: infra.adminDatabaseUrl!, liveDatabaseUrl: run.databaseUrl, dropRebuiltDatabase: true, progressOut: null, verdictOut: null });
        return { equal: r.equal, discrepancies: r.discrepancies.length };
      },
      rankUsers: async (run) => (await anomalyReport(run)).users.map((u) => u.userId),
    });
    expect(report.match.goals).toBe(1);
    const { none, delayed, 'event-time-void': voided } = report.policies;
    expect(none?.frontRunner).toMatchObject({ buysPlaced: 1, buysFilled: 1, sellsFilled: 1 });
    expect(none?.frontRunnerPnl).toBeGreaterThan(0);
    expect(none?.frontRunnerRank).toBe(1);
    expect(none?.honest.placed).toBeGreaterThan(200);
    expect(none?.honestFillRate).toBeGreaterThan(0.5);
    for (const outcome of [delayed, voided]) {
      expect(outcome?.frontRunner).toMatchObject({ buysPlaced: 1, buysVoided: 1, sellsFilled: 0 });
      expect(outcome?.frontRunnerPnl).toBeLessThanOrEqual(0);
      expect(outcome?.honestFillRate).toBeGreaterThan(0.3);
    }
    // Voids and delayed fills keep every ledger invariant, and the projection rebuilt from the topics equals Postgres.
    for (const outcome of [none, delayed, voided]) expect(outcome).toMatchObject({ ledgerViolations: 0, auditEqual: true });
    expect(delayed?.honestMedianTimeToFillMs).toBeGreaterThanOrEqual(EXPERIMENT_DELAY_MS);
  }, 300_000);
});
