import { describe, expect, it } from 'vitest';
import { chartScales, latencyChartSvg, linearTicks, logTicks, type ChartSeries } from './chart';

const series: ChartSeries[] = [
  { label: 'uWS gateway', color: '#1f77b4', points: [{ connections: 12_500, p99Ms: 8 }, { connections: 50_000, p99Ms: 40 }] },
  { label: 'ws baseline', color: '#d62728', points: [{ connections: 12_500, p99Ms: 900 }, { connections: 50_000, p99Ms: 4_200 }] },
];

describe('latency chart', () => {
  it('chooses round axis ticks: powers of ten for latency, 1-2-5 steps for connections', () => {
    expect(logTicks(8, 4_200)).toEqual([1, 10, 100, 1_000, 10_000]);
    expect(logTicks(100, 100)).toEqual([100, 1_000]);
    expect(linearTicks(50_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(linearTicks(12_345)).toEqual([0, 5_000, 10_000, 15_000]);
  });

  it('maps the axes ends to the plot corners, higher latency higher up', () => {
    const s = chartScales(series);
    expect(s.x(0)).toBe(64);
    expect(s.x(50_000)).toBe(680 - 150);
    expect(s.y(1)).toBe(380 - 50);
    expect(s.y(10_000)).toBe(34);
    expect(s.y(100)).toBeGreaterThan(s.y(1_000));
  });

  it('draws one line per gateway and the 250 ms goal', () => {
    const svg = latencyChartSvg(series, 'fan-out');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('ws baseline');
    expect(svg).toContain('goal 250 ms');
    expect(svg.startsWith('<svg')).toBe(true);
  });
});
