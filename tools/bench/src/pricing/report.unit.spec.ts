import { describe, expect, it } from 'vitest';
import { formatTable, latencyChartSvg, percentiles, type BenchPricingReport, type ModeReport } from './report';

const mode = (delivery: string, p99: number, eventsPerSec: number): ModeReport => ({
  delivery, eventsPerSec, latencyMs: { p50: p99 / 4, p99, atEventsPerSec: 1_000 },
  rates: [500, 1_000].map((rate) => ({
    targetEventsPerSec: rate, appendedEventsPerSec: rate, events: rate * 10, ticked: rate * 9,
    appendToAppendMs: { p50: p99 / 4, p90: p99 / 2, p99, max: p99 * 2 }, appendToVisibleMs: { p50: p99 / 3, p90: p99 / 2, p99: p99 + 5, max: p99 * 2 },
  })),
  throughput: { events: 100_000, eventsPerSec, appendedEventsPerSec: eventsPerSec * 2, durationMs: 12_000 }, setup: {},
});

const report: BenchPricingReport = {
  delivery: 'idempotent', eventsPerSec: 9_000, latencyMs: { p50: 10, p99: 40, atEventsPerSec: 1_000 },
  modes: { idempotent: mode('idempotent', 40, 9_000), transactional: mode('transactional', 400, 6_000) }, setup: {},
};

describe('pricing bench report', () => {
  it('prints every mode and compares the default with its baseline measured in the same run', () => {
    const table = formatTable(report);
    expect(table.split('\n').filter((l) => /^(idempotent|transactional) +\d/.test(l))).toHaveLength(4);
    expect(table).toContain('idempotent vs transactional: p99 40 vs 400 ms at 1000 ev/s (10.00× lower), 9000 vs 6000 events/s flat out (1.50×)');
  });

  it('draws p50 and p99 of each mode in its own colour', () => {
    const svg = latencyChartSvg(report);
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg).toContain('idempotent: p99 solid, p50 dashed');
    expect(svg).toContain('transactional: p99 solid, p50 dashed');
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentiles([5, 1, 4, 2, 3])).toEqual({ p50: 3, p90: 5, p99: 5, max: 5 });
    expect(percentiles([]).p50).toBeNaN();
  });
});
