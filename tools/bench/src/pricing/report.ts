// The pricing benchmark's report, pure: percentiles, the printed table, the
// JSON document and a hand-written SVG chart of latency against event rate.
import { textTable } from '@inplay/telemetry';

import { formatSpread, spreadOf, type Spread } from '../shared/repeat';
import type { CpuWindow } from '../shared/proc-cpu';

export interface RatePhase {
  targetEventsPerSec: number;
  /** What the load generator actually appended per second. */
  appendedEventsPerSec: number;
  events: number;
  /** Player events whose tick was seen (every player event ticks). */
  ticked: number;
  /** Player events whose tick was not seen within the drain timeout: > 0 makes the run incomplete (the bench fails). */
  missing: number;
  /** Event append -> tick append, both broker LogAppendTime. */
  appendToAppendMs: Percentiles;
  /** Event append -> tick seen by a read-committed consumer (includes the commit and the reader's fetch): the headline. */
  appendToVisibleMs: Percentiles;
  /** CPU of the pricing process, the bench driver and the machine over the phase, read from /proc by the driver. */
  cpu: CpuWindow;
}

export interface ThroughputPhase {
  events: number;
  ticked: number;
  missing: number;
  /** Events / (last tick append - first event append). */
  eventsPerSec: number;
  appendedEventsPerSec: number;
  durationMs: number;
  cpu: CpuWindow;
  /** CPU of the pricing process per event priced over the phase (µs): 1e6 / this is what one saturated core could price. */
  pricingCpuUsPerEvent: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One run of one delivery mode (fresh topics, database and pricing process). */
export interface RunReport {
  delivery: string;
  round: number;
  /** The warm-up phase before the measured ones: JIT, connections and caches warm; not counted in any figure. */
  warmUp: { eventsPerSec: number; durationMs: number; events: number; ticked: number; missing: number; appendToVisibleMs: Percentiles };
  rates: RatePhase[];
  throughput: ThroughputPhase;
  setup: Record<string, unknown>;
}

/** Per offered rate, the median and spread over a mode's runs. */
export interface RateSummary {
  targetEventsPerSec: number;
  visibleP50Ms: Spread;
  visibleP99Ms: Spread;
  appendP99Ms: Spread;
  pricingCores: Spread;
  missing: number;
}

/**
 * One delivery mode over its repetitions. `latencyMs.p99` is the visible
 * latency (event append -> tick seen by a read-committed reader) at the worst
 * offered rate: the highest of the per-rate medians over the runs;
 * `latencyMs.atEventsPerSec` names that rate and `latencyMs.p50` is the median
 * visible p50 there. `eventsPerSec` is the median flat-out rate.
 */
export interface ModeReport {
  delivery: string;
  eventsPerSec: number;
  latencyMs: { p50: number; p99: number; atEventsPerSec: number; measure: string };
  spread: { eventsPerSec: Spread; latencyP99Ms: Spread; pricingCoresFlatOut: Spread; driverCoresFlatOut: Spread; machineCoresFlatOut: Spread; pricingCpuUsPerEvent: Spread };
  rates: RateSummary[];
  /** Tick missing after the drain timeout, over every run and phase: > 0 means the figures are not complete. */
  missing: number;
  runs: RunReport[];
}

/** The default delivery on top (eventsPerSec, latencyMs), every mode measured in the same run under `modes`. */
export interface BenchPricingReport {
  delivery: string;
  eventsPerSec: number;
  latencyMs: { p50: number; p99: number; atEventsPerSec: number; measure: string };
  /** False when some tick was never seen (the bench then fails after writing the report). */
  complete: boolean;
  modes: Partial<Record<string, ModeReport>>;
  setup: Record<string, unknown>;
}

export const HEADLINE_MEASURE = 'event append -> tick visible to a read-committed reader, p99 at the worst offered rate, median over repetitions';

/** A mode's figures from its runs: medians and spreads per rate and flat out. */
export function summarizeMode(delivery: string, runs: readonly RunReport[]): ModeReport {
  const rateList = [...new Set(runs.flatMap((r) => r.rates.map((p) => p.targetEventsPerSec)))];
  const atRate = (rate: number, pick: (p: RatePhase) => number) => spreadOf(runs.map((r) => r.rates.find((p) => p.targetEventsPerSec === rate)).map((p) => (p ? pick(p) : Number.NaN)));
  const rates: RateSummary[] = rateList.map((rate) => ({
    targetEventsPerSec: rate,
    visibleP50Ms: atRate(rate, (p) => p.appendToVisibleMs.p50),
    visibleP99Ms: atRate(rate, (p) => p.appendToVisibleMs.p99),
    appendP99Ms: atRate(rate, (p) => p.appendToAppendMs.p99),
    pricingCores: atRate(rate, (p) => p.cpu.processes.pricing?.cores ?? Number.NaN),
    missing: runs.reduce((n, r) => n + (r.rates.find((p) => p.targetEventsPerSec === rate)?.missing ?? 0), 0),
  }));
  const worst = rates.reduce<RateSummary | undefined>((w, r) => (!w || r.visibleP99Ms.median > w.visibleP99Ms.median ? r : w), undefined);
  const eventsPerSec = spreadOf(runs.map((r) => r.throughput.eventsPerSec));
  const flatOutCores = (name: string) => spreadOf(runs.map((r) => r.throughput.cpu.processes[name]?.cores ?? Number.NaN));
  return {
    delivery,
    eventsPerSec: Math.round(eventsPerSec.median),
    latencyMs: { p50: worst?.visibleP50Ms.median ?? Number.NaN, p99: worst?.visibleP99Ms.median ?? Number.NaN, atEventsPerSec: worst?.targetEventsPerSec ?? 0, measure: HEADLINE_MEASURE },
    spread: {
      eventsPerSec, latencyP99Ms: worst?.visibleP99Ms ?? spreadOf([]),
      pricingCoresFlatOut: flatOutCores('pricing'), driverCoresFlatOut: flatOutCores('driver'),
      machineCoresFlatOut: spreadOf(runs.map((r) => r.throughput.cpu.machine?.cores ?? Number.NaN)),
      pricingCpuUsPerEvent: spreadOf(runs.map((r) => r.throughput.pricingCpuUsPerEvent)),
    },
    rates,
    missing: runs.reduce((n, r) => n + r.warmUp.missing + r.throughput.missing + r.rates.reduce((m, p) => m + p.missing, 0), 0),
    runs: [...runs],
  };
}

export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

export function formatTable(report: BenchPricingReport): string {
  const header = ['delivery', 'target ev/s', 'visible p50 ms', 'visible p99 ms', 'append p99 ms', 'pricing cores', 'missing'];
  const modes = Object.values(report.modes).filter((m): m is ModeReport => m !== undefined);
  const rows = modes.flatMap((m) => m.rates.map((r) => [
    m.delivery, String(r.targetEventsPerSec), formatSpread(r.visibleP50Ms), formatSpread(r.visibleP99Ms), formatSpread(r.appendP99Ms), formatSpread(r.pricingCores, 2), String(r.missing),
  ]));
  const runs = (m: ModeReport) => m.runs.length;
  const throughput = modes.map((m) => `${m.delivery}: flat out ${formatSpread(m.spread.eventsPerSec)} events/s priced over ${runs(m)} runs, ${formatSpread(m.spread.pricingCpuUsPerEvent)} µs of pricing CPU per event (cores: pricing ${formatSpread(m.spread.pricingCoresFlatOut, 2)}, driver ${formatSpread(m.spread.driverCoresFlatOut, 2)}, machine ${formatSpread(m.spread.machineCoresFlatOut, 2)})`);
  const [main, baseline] = modes;
  const versus = main && baseline
    ? [`${main.delivery} vs ${baseline.delivery}: visible p99 ${main.latencyMs.p99} vs ${baseline.latencyMs.p99} ms at the worst rate (${main.latencyMs.atEventsPerSec} vs ${baseline.latencyMs.atEventsPerSec} ev/s; ${ratio(baseline.latencyMs.p99, main.latencyMs.p99)} lower), ${main.eventsPerSec} vs ${baseline.eventsPerSec} events/s flat out (${ratio(main.eventsPerSec, baseline.eventsPerSec)})`]
    : [];
  const incomplete = report.complete ? [] : [`INCOMPLETE: ${modes.map((m) => `${m.delivery} ${m.missing}`).join(', ')} ticks never seen within the drain timeout`];
  return ['pricing: event append -> tick (LogAppendTime; visible = seen by a read-committed reader), median (min–max) over repetitions', ...textTable(header, rows), '', ...throughput, ...versus, ...incomplete].join('\n');
}

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}

const CHART = { width: 640, height: 360, left: 60, right: 20, top: 30, bottom: 50 } as const;

const MODE_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

/** Visible latency (p50 dashed, p99 solid, min–max of p99 over the runs as a bar) against offered rate, one colour per delivery mode, dependency-free. */
export function latencyChartSvg(report: BenchPricingReport): string {
  const modes = Object.values(report.modes).filter((m): m is ModeReport => m !== undefined)
    .map((m) => ({ ...m, phases: m.rates.filter((r) => Number.isFinite(r.visibleP99Ms.median)) }));
  const all = modes.flatMap((m) => m.phases);
  const maxRate = Math.max(1, ...all.map((r) => r.targetEventsPerSec));
  const maxMs = Math.max(1, ...all.map((r) => r.visibleP99Ms.max)) * 1.1;
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const x = (rate: number) => CHART.left + (rate / maxRate) * plotW;
  const y = (ms: number) => CHART.top + plotH - (ms / maxMs) * plotH;
  const series = (phases: RateSummary[], pick: (r: RateSummary) => Spread, color: string, dashed: boolean) => {
    const points = phases.map((r) => `${x(r.targetEventsPerSec).toFixed(1)},${y(pick(r).median).toFixed(1)}`).join(' ');
    const dots = phases.map((r) => `<circle cx="${x(r.targetEventsPerSec).toFixed(1)}" cy="${y(pick(r).median).toFixed(1)}" r="3" fill="${color}"/>`).join('');
    const bars = dashed ? '' : phases.map((r) => `<line x1="${x(r.targetEventsPerSec).toFixed(1)}" x2="${x(r.targetEventsPerSec).toFixed(1)}" y1="${y(pick(r).min).toFixed(1)}" y2="${y(pick(r).max).toFixed(1)}" stroke="${color}" stroke-width="1"/>`).join('');
    return `<polyline fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5,4"' : ''} points="${points}"/>${dots}${bars}`;
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks.map((f) => {
    const ms = maxMs * f;
    const rate = maxRate * f;
    return `<line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y(ms)}" y2="${y(ms)}" stroke="#eee"/>`
      + `<text x="${CHART.left - 6}" y="${y(ms) + 4}" font-size="11" text-anchor="end">${ms.toFixed(0)}</text>`
      + `<text x="${x(rate)}" y="${CHART.height - CHART.bottom + 16}" font-size="11" text-anchor="middle">${Math.round(rate)}</text>`;
  }).join('');
  const legend = modes.map((m, i) => {
    const color = MODE_COLORS[i % MODE_COLORS.length]!;
    return series(m.phases, (r) => r.visibleP50Ms, color, true) + series(m.phases, (r) => r.visibleP99Ms, color, false)
      + `<text x="${CHART.left + 10}" y="${CHART.top + 14 + i * 16}" fill="${color}" font-size="12">${m.delivery}: p99 solid (bar: min–max of ${m.runs.length} runs), p50 dashed</text>`;
  }).join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${CHART.height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${CHART.left}" y="18" font-size="14">pricing: match event append -> tick visible, median of repetitions</text>`,
    grid,
    `<line x1="${CHART.left}" y1="${CHART.top}" x2="${CHART.left}" y2="${CHART.top + plotH}" stroke="black"/>`,
    `<line x1="${CHART.left}" y1="${CHART.top + plotH}" x2="${CHART.width - CHART.right}" y2="${CHART.top + plotH}" stroke="black"/>`,
    `<text x="${CHART.left + plotW / 2}" y="${CHART.height - 12}" font-size="12" text-anchor="middle">offered match events / s</text>`,
    `<text x="14" y="${CHART.top + plotH / 2}" font-size="12" transform="rotate(-90 14 ${CHART.top + plotH / 2})" text-anchor="middle">ms</text>`,
    legend,
    '</svg>',
  ].join('\n');
}
