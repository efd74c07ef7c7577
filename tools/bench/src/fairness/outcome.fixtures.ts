// A run's outcome for the unit tests of the sweep and its chart: the defaults of an ordinary run, overridden per test.
import type { PolicyOutcome } from './experiment';

export const outcome = (o: Partial<PolicyOutcome>): PolicyOutcome => ({
  policy: { policy: 'none' }, frontRunnerPnl: 0, honestFillRate: 0.99, honestMedianTimeToFillMs: 200, frontRunnerRank: 1, ledgerViolations: 0, auditEqual: true,
  frontRunner: { buysPlaced: 4, buysFilled: 4, buysVoided: 0, sellsPlaced: 4, sellsFilled: 4, cashCents: 0, holdingsValueCents: 0, rejectedByReason: {} },
  honest: { placed: 10, filled: 9, rejectedByReason: {}, medianPnlCents: 0 }, wallSeconds: 1, ...o,
});
