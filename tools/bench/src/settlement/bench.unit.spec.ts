// The benchmark's pure parts: percentiles, the steady-window rate, Prometheus
// sums and the chart's scales.
import { describe, expect, it } from 'vitest';
import { decades, latencyChartSvg, linearScale, logScale, niceMax } from './chart';
import { randomOrderBody, seededRandom } from './load';
import { censoredPercentiles, percentiles, steadyRate, sumMetric } from './report';
import { combineRuns, type StrategyRun } from './bench';
import { censoredSpread, formatSpread } from '../shared/repeat';

describe('percentiles', () => {
  it('takes the nearest rank, so p99 of 1..1000 is 990 and p99.9 is 999', () => {
    const samples = Array.from({ length: 1_000 }, (_, i) => 1_000 - i);
    expect(percentiles(samples)).toEqual({ count: 1_000, p50: 500, p99: 990, p999: 999, max: 1_000 });
  });

  it('gives the only sample for every percentile of one, and NaN for none', () => {
    expect(percentiles([7.04])).toEqual({ count: 1, p50: 7, p99: 7, p999: 7, max: 7 });
    expect(percentiles([]).p99).toBeNaN();
  });

  it('sorts numerically, not as strings', () => {
    expect(percentiles([100, 9, 20]).p50).toBe(20);
  });
});

describe('steady rate', () => {
  it('counts whole seconds inside the window only, ignoring ramp-up and drain', () => {
    const times = [500, 1_100, 1_200, 1_900, 2_100, 2_500, 3_050, 3_999, 4_500];
    expect(steadyRate(times, 1_000, 3_999)).toEqual({ perSec: 3, perSecond: [3, 2] });
  });

  it('has no rate when the window is shorter than a second', () => {
    expect(steadyRate([1, 2], 0, 999).perSec).toBeNaN();
  });
});

describe('prometheus sums', () => {
  it('adds every label set of a metric and nothing of metrics that merely share its prefix', () => {
    const text = [
      '# HELP inplay_settlement_batch_retries_total retries',
      'inplay_settlement_batch_retries_total{strategy="optimistic",cause="divergence"} 3',
      'inplay_settlement_batch_retries_total{strategy="optimistic",cause="deadlock"} 2',
      'inplay_settlement_batch_orders_sum 1500',
      'inplay_settlement_batch_orders_sum_other 99',
    ].join('\n');
    expect(sumMetric(text, 'inplay_settlement_batch_retries_total')).toBe(5);
    expect(sumMetric(text, 'inplay_settlement_batch_orders_sum')).toBe(1_500);
    expect(sumMetric(text, 'absent')).toBe(0);
  });
});

describe('chart scales', () => {
  it('maps 0..max linearly onto the pixel range, flipped for y', () => {
    const y = linearScale(200, 400, 40);
    expect([y(0), y(100), y(200)]).toEqual([400, 220, 40]);
  });

  it('maps decades evenly on the log axis and clamps outside values', () => {
    const y = logScale(0, 3, 400, 100);
    expect([y(1), y(10), y(100), y(1_000)]).toEqual([400, 300, 200, 100]);
    expect([y(0), y(1e6)]).toEqual([400, 100]);
  });

  it('chooses decades covering all finite latencies, at least one wide', () => {
    expect(decades([3, 48, 2_500])).toEqual({ lo: 0, hi: 4 });
    expect(decades([5, 5])).toEqual({ lo: 0, hi: 1 });
    expect(decades([Number.NaN])).toEqual({ lo: 0, hi: 1 });
  });

  it('rounds the rate axis up to 1, 2 or 5 times a power of ten', () => {
    expect([niceMax(4_000), niceMax(1_001), niceMax(10_000), niceMax(0)]).toEqual([5_000, 2_000, 10_000, 1]);
  });

  it('draws a p99 and a p50 line per strategy and marks the incorrect one', () => {
    const svg = latencyChartSvg([
      { name: 'atomic-guard', correct: true, points: [{ ordersPerSec: 500, p50: 5, p99: 12 }, { ordersPerSec: 2_000, p50: 8, p99: 40 }] },
      { name: 'naive', correct: false, points: [{ ordersPerSec: 500, p50: 4, p99: 10 }] },
    ], 'latency');
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg).toContain('naive (incorrect)');
    expect(svg).not.toContain('NaN');
  });
});

describe('order mix', () => {
  it('is the same for the same seed and includes buys, sells and unaffordable buys', () => {
    const players = [{ playerId: 'p', priceCents: 100, tickSeq: 1 }];
    const draw = (seed: number) => { const r = seededRandom(seed); return Array.from({ length: 200 }, () => randomOrderBody(r, players)); };
    const orders = draw(1);
    expect(draw(1)).toEqual(orders);
    expect(new Set(orders.map((o) => o.side))).toEqual(new Set(['buy', 'sell']));
    expect(orders.some((o) => o.quantity === 100_000)).toBe(true);
  });
});

describe('latency without coordinated omission', () => {
  it('counts orders that never got a result as waiting forever, so a rate past capacity shows it', () => {
    const answered = Array.from({ length: 98 }, (_, i) => i + 1);
    expect(censoredPercentiles(answered, 0)).toMatchObject({ count: 98, p50: 49, p99: 98 });
    // 2 of 100 orders shed: p99 is not the 99th fastest answer but "never".
    const withShed = censoredPercentiles(answered, 2);
    expect(withShed).toMatchObject({ count: 100, p50: 50 });
    expect(withShed.p99).toBe(Number.POSITIVE_INFINITY);
    expect(JSON.parse(JSON.stringify(withShed)).p99).toBeNull();
  });
});

describe('combining a strategy\'s runs', () => {
  const run = (ordersPerSec: number, p99: number, violations: number, contended: number): StrategyRun => ({
    correct: true, ordersPerSec, latencyMs: { count: 10, p50: p99 / 2, p99, p999: p99 * 2, max: p99 * 3, atOrdersPerSec: 2_000 }, violations,
    phases: [], contention: { ordersPerSec: contended } as StrategyRun['contention'], final: {} as StrategyRun['final'],
  });

  it('reports the median with its range, sums the violations, and keeps the median run\'s phases', () => {
    const runs = [run(2_300, 400, 0, 900), run(2_100, 500, 1, 800), run(2_500, 450, 0, 1_000)].map((result, round) => ({ round, result }));
    runs[1]!.result.phases = [{ kind: 'flat-out' } as StrategyRun['phases'][number]];
    runs[0]!.result.phases = [{ kind: 'open-loop' } as StrategyRun['phases'][number]];
    const combined = combineRuns(runs);
    expect(combined.ordersPerSec).toBe(2_300);
    expect(combined.latencyMs.p99).toBe(450);
    expect(combined.spread.ordersPerSec).toMatchObject({ median: 2_300, min: 2_100, max: 2_500 });
    expect(combined.spread.contentionOrdersPerSec).toMatchObject({ median: 900, min: 800, max: 1_000 });
    expect(combined.violations).toBe(1);
    expect(combined.phases).toEqual([{ kind: 'open-loop' }]);
    expect(combined.runs.map((r) => r.ordersPerSec)).toEqual([2_300, 2_100, 2_500]);
  });

  it('is the run itself when there is one', () => {
    const combined = combineRuns([{ round: 0, result: run(2_000, 300, 0, 700) }]);
    expect({ ordersPerSec: combined.ordersPerSec, p99: combined.latencyMs.p99, min: combined.spread.ordersPerSec.min }).toEqual({ ordersPerSec: 2_000, p99: 300, min: 2_000 });
  });
});

describe('a latency over runs, some past capacity', () => {
  it('counts a run without results as the longest, not as missing', () => {
    expect(censoredSpread([Infinity, 1_042, 611])).toMatchObject({ median: 1_042, min: 611, max: Infinity, relativeSpread: null });
    expect(censoredSpread([Infinity, Infinity, 611]).median).toBe(Infinity);
    expect(censoredSpread([300, 100, 200])).toMatchObject({ median: 200, min: 100, max: 300, relativeSpread: 1 });
  });

  it('prints ∞ for such a run', () => {
    expect(formatSpread(censoredSpread([Infinity, 1_042, 611]))).toBe('1,042 (611–∞)');
    expect(formatSpread(censoredSpread([Infinity]))).toBe('∞');
  });
});
