import { describe, expect, it } from 'vitest';
import { fairnessChartSvg } from './chart';
import type { FairnessSweepReport } from './run';
import { aggregateSweep } from './sweep';
import { outcome } from './outcome.fixtures';

const runs = [
  ...[30_767, 30_100, 29_000].map((pnl, round) => ({ policy: 'none', speed: 10, round, seed: round + 1, outcome: outcome({ frontRunnerPnl: pnl, honestFillRate: 0.996, honestMedianTimeToFillMs: 296 }) })),
  ...[30_500, 30_000, 29_500].map((pnl, round) => ({ policy: 'none', speed: 60, round, seed: round + 1, outcome: outcome({ frontRunnerPnl: pnl, honestFillRate: 0.996, honestMedianTimeToFillMs: 296 }) })),
  ...[-1_200, -1_000, -1_400].map((pnl, round) => ({ policy: 'delayed', speed: 10, round, seed: round + 1, outcome: outcome({ frontRunnerPnl: pnl, honestFillRate: 0.984, honestMedianTimeToFillMs: 46_501 }) })),
  ...[0, 0, 0].map((pnl, round) => ({ policy: 'delayed', speed: 60, round, seed: round + 1, outcome: outcome({ frontRunnerPnl: pnl, honestFillRate: 0.982, honestMedianTimeToFillMs: null, frontRunnerRank: null }) })),
];

const report = {
  match: { provider: 'StatsBomb Open Data', providerMatchId: '15986', credit: 'Data: StatsBomb Open Data', events: 67, goals: 4, minutes: 109 },
  setup: { honestUsers: 200, frontRunMs: 30_000, feedLagMs: 30_000, feedLagJitterMs: 10_000, speeds: [10, 60], seeds: [1, 2, 3] },
  policies: aggregateSweep(runs),
} as unknown as FairnessSweepReport;

describe('fairness chart', () => {
  it('draws per panel one bar per policy and speed at the median, with a min–max whisker, and a legend of the speeds', () => {
    const svg = fairnessChartSvg(report);
    // 4 panels × 2 policies × 2 speeds, minus delayed at 60x's missing time to fill and rank.
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="14"/g)).toHaveLength(14);
    expect(svg.match(/<path d="M/g)).toHaveLength(14);
    for (const label of ['none 10x: 301 (290–308)', 'delayed 10x: -12 (-14–-10)', 'delayed 60x: 0 (0–0)', 'none 60x: 99.6 (99.6–99.6)', 'delayed 10x: 46.5 (46.5–46.5)',
      'Honest median time to fill (s)', 'Front-runner rank (anomaly report)', '>10x<', '>60x<', 'median over seeds 1, 2, 3', 'Data: StatsBomb Open Data', '30–40 s feed']) expect(svg).toContain(label);
  });
});
