import { describe, expect, it } from 'vitest';
import { formatTable, latencyChartSvg, percentiles, summarizeMode, type BenchPricingReport, type RunReport } from './report';

const cpu = (pricingCores: number) => ({ wallMs: 1_000, processes: { pricing: { cpuMs: pricingCores * 1_000, cores: pricingCores }, driver: { cpuMs: 300, cores: 0.3 } }, machine: { cpuMs: 1_500, cores: 1.5 } });

const run = (delivery: string, round: number, p99: number, eventsPerSec: number, missing = 0): RunReport => ({
  delivery, round,
  warmUp: { eventsPerSec: 1_000, durationMs: 3_000, events: 3_000, ticked: 2_900, missing: 0, appendToVisibleMs: { p50: 9, p90: 90, p99: 900, max: 999 } },
  rates: [500, 1_000].map((rate) => ({
    targetEventsPerSec: rate, appendedEventsPerSec: rate, events: rate * 10, ticked: rate * 9, missing: rate === 1_000 ? missing : 0,
    appendToAppendMs: { p50: p99 / 4, p90: p99 / 2, p99, max: p99 * 2 },
    // The visible p99 is worse at 500/s than at 1,000/s: the headline names the worst rate.
    appendToVisibleMs: { p50: p99 / 3, p90: p99 / 2, p99: rate === 500 ? p99 + 10 : p99 + 5, max: p99 * 2 },
    cpu: cpu(0.5),
  })),
  throughput: { events: 100_000, ticked: 100_000, missing: 0, eventsPerSec, appendedEventsPerSec: eventsPerSec * 2, durationMs: 12_000, cpu: cpu(0.95), pricingCpuUsPerEvent: 95 },
  setup: {},
});

const idempotent = summarizeMode('idempotent', [run('idempotent', 0, 40, 9_000), run('idempotent', 1, 30, 8_000), run('idempotent', 2, 50, 9_500)]);
const transactional = summarizeMode('transactional', [run('transactional', 0, 400, 6_000), run('transactional', 1, 390, 6_100), run('transactional', 2, 410, 5_900, 7)]);
const report: BenchPricingReport = {
  delivery: 'idempotent', eventsPerSec: idempotent.eventsPerSec, latencyMs: idempotent.latencyMs, complete: false,
  modes: { idempotent, transactional }, setup: {},
};

describe('pricing bench report', () => {
  it('headlines the median visible p99 at the worst rate and the median flat-out rate, with their spread', () => {
    expect(idempotent.latencyMs).toMatchObject({ p99: 50, atEventsPerSec: 500 });
    expect(idempotent.eventsPerSec).toBe(9_000);
    expect(idempotent.spread.eventsPerSec).toMatchObject({ median: 9_000, min: 8_000, max: 9_500 });
    expect(idempotent.spread.latencyP99Ms).toMatchObject({ min: 40, max: 60 });
    expect(idempotent.spread.pricingCoresFlatOut.median).toBe(0.95);
  });

  it('counts missing ticks instead of dropping them', () => {
    expect(idempotent.missing).toBe(0);
    expect(transactional.missing).toBe(7);
    expect(transactional.rates.find((r) => r.targetEventsPerSec === 1_000)?.missing).toBe(7);
    expect(formatTable(report)).toContain('INCOMPLETE: idempotent 0, transactional 7 ticks never seen');
  });

  it('prints every mode and compares the default with its baseline measured in the same run', () => {
    const table = formatTable(report);
    expect(table.split('\n').filter((l) => /^(idempotent|transactional) +\d/.test(l))).toHaveLength(4);
    expect(table).toContain('idempotent vs transactional: visible p99 50 vs 410 ms at the worst rate (500 vs 500 ev/s; 8.20× lower), 9000 vs 6000 events/s flat out (1.50×)');
    expect(table).toContain('idempotent: flat out 9,000 (8,000–9,500) events/s priced over 3 runs, 95 (95–95) µs of pricing CPU per event');
  });

  it('draws p50 and p99 of each mode in its own colour, the p99 with its range over the runs', () => {
    const svg = latencyChartSvg(report);
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg.match(/stroke-width="1"\/>/g)).toHaveLength(4);
    expect(svg).toContain('idempotent: p99 solid (bar: min–max of 3 runs), p50 dashed');
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentiles([5, 1, 4, 2, 3])).toEqual({ p50: 3, p90: 5, p99: 5, max: 5 });
    expect(percentiles([]).p50).toBeNaN();
  });
});
