// The pricing benchmark's report, pure: percentiles, the printed table, the
// JSON document and a hand-written SVG chart of latency against event rate.
import { textTable } from '@inplay/telemetry';

export interface RatePhase {
  targetEventsPerSec: number;
  /** What the load generator actually appended per second. */
  appendedEventsPerSec: number;
  events: number;
  /** Events whose tick was seen (every player event ticks). */
  ticked: number;
  /** Event append -> tick append, both broker LogAppendTime. */
  appendToAppendMs: Percentiles;
  /** Event append -> tick seen by a read-committed consumer (includes the commit and the reader's fetch). */
  appendToVisibleMs: Percentiles;
}

export interface ThroughputPhase {
  events: number;
  /** Events / (last tick append - first event append). */
  eventsPerSec: number;
  appendedEventsPerSec: number;
  durationMs: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One delivery mode's run. */
export interface ModeReport {
  delivery: string;
  eventsPerSec: number;
  latencyMs: { p50: number; p99: number; atEventsPerSec: number };
  rates: RatePhase[];
  throughput: ThroughputPhase;
  setup: Record<string, unknown>;
}

/** The default delivery on top (eventsPerSec, latencyMs), every mode measured in the same run under `modes`. */
export interface BenchPricingReport {
  delivery: string;
  eventsPerSec: number;
  latencyMs: { p50: number; p99: number; atEventsPerSec: number };
  modes: Partial<Record<string, ModeReport>>;
  setup: Record<string, unknown>;
}

export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

export function formatTable(report: BenchPricingReport): string {
  const header = ['delivery', 'target ev/s', 'appended ev/s', 'events', 'ticked', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'visible p50', 'visible p99'];
  const modes = Object.values(report.modes).filter((m): m is ModeReport => m !== undefined);
  const rows = modes.flatMap((m) => m.rates.map((r) => [
    m.delivery, r.targetEventsPerSec, Math.round(r.appendedEventsPerSec), r.events, r.ticked,
    r.appendToAppendMs.p50, r.appendToAppendMs.p90, r.appendToAppendMs.p99, r.appendToAppendMs.max,
    r.appendToVisibleMs.p50, r.appendToVisibleMs.p99,
  ].map(String)));
  const throughput = modes.map((m) => `${m.delivery}: ${m.throughput.events} events as fast as possible -> ${Math.round(m.throughput.eventsPerSec)} events/s priced (appended at ${Math.round(m.throughput.appendedEventsPerSec)}/s, ${m.throughput.durationMs} ms)`);
  const [main, baseline] = modes;
  const versus = main && baseline
    ? [`${main.delivery} vs ${baseline.delivery}: p99 ${main.latencyMs.p99} vs ${baseline.latencyMs.p99} ms at ${main.latencyMs.atEventsPerSec} ev/s (${ratio(baseline.latencyMs.p99, main.latencyMs.p99)} lower), ${main.eventsPerSec} vs ${baseline.eventsPerSec} events/s flat out (${ratio(main.eventsPerSec, baseline.eventsPerSec)})`]
    : [];
  return ['pricing: event append -> tick append (LogAppendTime), by delivery and offered rate', ...textTable(header, rows), '', ...throughput, ...versus].join('\n');
}

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}

const CHART = { width: 640, height: 360, left: 60, right: 20, top: 30, bottom: 50 } as const;

const MODE_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

/** Latency (p50 dashed, p99 solid) against offered rate, one colour per delivery mode, dependency-free. */
export function latencyChartSvg(report: BenchPricingReport): string {
  const modes = Object.values(report.modes).filter((m): m is ModeReport => m !== undefined)
    .map((m) => ({ ...m, phases: m.rates.filter((r) => Number.isFinite(r.appendToAppendMs.p99)) }));
  const all = modes.flatMap((m) => m.phases);
  const maxRate = Math.max(1, ...all.map((r) => r.targetEventsPerSec));
  const maxMs = Math.max(1, ...all.map((r) => r.appendToAppendMs.p99)) * 1.1;
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const x = (rate: number) => CHART.left + (rate / maxRate) * plotW;
  const y = (ms: number) => CHART.top + plotH - (ms / maxMs) * plotH;
  const series = (phases: RatePhase[], pick: (r: RatePhase) => number, color: string, dashed: boolean) => {
    const points = phases.map((r) => `${x(r.targetEventsPerSec).toFixed(1)},${y(pick(r)).toFixed(1)}`).join(' ');
    const dots = phases.map((r) => `<circle cx="${x(r.targetEventsPerSec).toFixed(1)}" cy="${y(pick(r)).toFixed(1)}" r="3" fill="${color}"/>`).join('');
    return `<polyline fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5,4"' : ''} points="${points}"/>${dots}`;
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
    return series(m.phases, (r) => r.appendToAppendMs.p50, color, true) + series(m.phases, (r) => r.appendToAppendMs.p99, color, false)
      + `<text x="${CHART.left + 10}" y="${CHART.top + 14 + i * 16}" fill="${color}" font-size="12">${m.delivery}: p99 solid, p50 dashed</text>`;
  }).join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${CHART.height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${CHART.left}" y="18" font-size="14">pricing: match event append -> tick append latency, by delivery</text>`,
    grid,
    `<line x1="${CHART.left}" y1="${CHART.top}" x2="${CHART.left}" y2="${CHART.top + plotH}" stroke="black"/>`,
    `<line x1="${CHART.left}" y1="${CHART.top + plotH}" x2="${CHART.width - CHART.right}" y2="${CHART.top + plotH}" stroke="black"/>`,
    `<text x="${CHART.left + plotW / 2}" y="${CHART.height - 12}" font-size="12" text-anchor="middle">offered match events / s</text>`,
    `<text x="14" y="${CHART.top + plotH / 2}" font-size="12" transform="rotate(-90 14 ${CHART.top + plotH / 2})" text-anchor="middle">ms</text>`,
    legend,
    '</svg>',
  ].join('\n');
}
