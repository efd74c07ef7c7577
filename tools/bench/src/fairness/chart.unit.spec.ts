import { describe, expect, it } from 'vitest';
import { fairnessChartSvg } from './chart';
import type { ExperimentReport, PolicyOutcome } from './experiment';

const outcome = (pnlCents: number, fill: number, medianMs: number | null): PolicyOutcome => ({
  policy: { policy: 'none' }, frontRunnerPnl: pnlCents, honestFillRate: fill, honestMedianTimeToFillMs: medianMs, frontRunnerRank: 1, ledgerViolations: 0, auditEqual: true,
  frontRunner: { buysPlaced: 1, buysFilled: 1, buysVoided: 0, sellsPlaced: 1, sellsFilled: 1, cashCents: 0, holdingsValueCents: 0, rejectedByReason: {} },
  honest: { placed: 10, filled: 9, rejectedByReason: {}, medianPnlCents: 0 }, wallSeconds: 1,
});

const report = {
  match: { provider: 'StatsBomb Open Data', providerMatchId: '15986', credit: 'Data: StatsBomb Open Data', events: 67, goals: 4, minutes: 109 },
  setup: { honestUsers: 200, frontRunMs: 30_000, feedLagMs: 30_000, feedLagJitterMs: 10_000 },
  policies: { none: outcome(30_767, 0.996, 296), delayed: outcome(-1_200, 0.984, 46_501), 'event-time-void': outcome(0, 0.982, null) },
} as unknown as ExperimentReport;

describe('fairness chart', () => {
  it('draws one bar per policy in each of the three panels, with the values and the credit', () => {
    const svg = fairnessChartSvg(report);
    // 3 policies × 3 panels, minus the missing median of event-time-void.
    expect(svg.match(/<rect x=/g)).toHaveLength(8);
    for (const label of ['307.67', '-12.00', '0.00', '99.6', '98.2', '0.3', '46.5', 'Honest median time to fill (s)', 'Data: StatsBomb Open Data', '30–40 s feed']) expect(svg).toContain(label);
    // A loss is green and drawn below the zero line, a profit red above it.
    expect(svg).toMatch(/fill="#c0392b"/);
    expect(svg).toMatch(/fill="#27ae60"/);
  });
});
