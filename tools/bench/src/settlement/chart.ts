// The settlement benchmark's chart, hand-written SVG: order -> result latency
// (p99 solid, p50 dashed) against offered orders/s, one colour per strategy.
// Latency spans milliseconds to seconds once a strategy saturates, so the
// y axis is logarithmic.

export interface ChartSeries {
  name: string;
  correct: boolean;
  points: { ordersPerSec: number; p50: number; p99: number }[];
}

export interface Box { left: number; right: number; top: number; bottom: number }

const SIZE = { width: 720, height: 420 } as const;
const PLOT: Box = { left: 70, right: SIZE.width - 190, top: 40, bottom: SIZE.height - 50 };
const COLORS = ['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728', '#9467bd', '#8c564b'];

/** Maps [0, max] onto [from, to] (pixels; to < from for a y axis). */
export function linearScale(max: number, from: number, to: number): (v: number) => number {
  const span = max > 0 ? max : 1;
  return (v) => from + (v / span) * (to - from);
}

/** Maps [10^lo, 10^hi] logarithmically onto [from, to]; values are clamped into the range. */
export function logScale(lo: number, hi: number, from: number, to: number): (v: number) => number {
  return (v) => {
    const e = Math.min(hi, Math.max(lo, Math.log10(Math.max(v, 10 ** lo))));
    return from + ((e - lo) / (hi - lo || 1)) * (to - from);
  };
}

/** Decades covering every value: [floor(log10(min)), ceil(log10(max))], at least one decade wide. */
export function decades(values: readonly number[]): { lo: number; hi: number } {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length === 0) return { lo: 0, hi: 1 };
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive))));
  return { lo, hi };
}

/** A round axis maximum at or above `max`: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * power >= max) ?? 10) * power;
}

const fmt = (v: number) => (v >= 1 ? String(Math.round(v)) : String(v));

export function latencyChartSvg(series: readonly ChartSeries[], title: string): string {
  const points = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.p99)));
  const maxRate = niceMax(Math.max(...points.map((p) => p.ordersPerSec), 1));
  const { lo, hi } = decades(points.flatMap((p) => [p.p50, p.p99]));
  const x = linearScale(maxRate, PLOT.left, PLOT.right);
  const y = logScale(lo, hi, PLOT.bottom, PLOT.top);
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxRate);
  const yTicks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  const grid = [
    ...yTicks.map((ms) => `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}" stroke="#e5e5e5"/>`
      + `<text x="${PLOT.left - 6}" y="${(y(ms) + 4).toFixed(1)}" font-size="11" text-anchor="end">${fmt(ms)}</text>`),
    ...xTicks.map((r) => `<line x1="${x(r).toFixed(1)}" x2="${x(r).toFixed(1)}" y1="${PLOT.bottom}" y2="${PLOT.bottom + 4}" stroke="black"/>`
      + `<text x="${x(r).toFixed(1)}" y="${PLOT.bottom + 18}" font-size="11" text-anchor="middle">${Math.round(r)}</text>`),
  ];
  const lines = series.map((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const valid = s.points.filter((p) => Number.isFinite(p.p99)).sort((a, b) => a.ordersPerSec - b.ordersPerSec);
    const path = (pick: (p: ChartSeries['points'][number]) => number) => valid.map((p) => `${x(p.ordersPerSec).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
    const dots = valid.map((p) => `<circle cx="${x(p.ordersPerSec).toFixed(1)}" cy="${y(p.p99).toFixed(1)}" r="3" fill="${color}"/>`).join('');
    const legendY = PLOT.top + 10 + i * 18;
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${path((p) => p.p99)}"/>`
      + `<polyline fill="none" stroke="${color}" stroke-width="1" stroke-dasharray="4 3" points="${path((p) => p.p50)}"/>${dots}`
      + `<line x1="${PLOT.right + 15}" x2="${PLOT.right + 35}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"/>`
      + `<text x="${PLOT.right + 40}" y="${legendY}" font-size="12" fill="${color}">${s.name}${s.correct ? '' : ' (incorrect)'}</text>`;
  });
  const midY = (PLOT.top + PLOT.bottom) / 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE.width}" height="${SIZE.height}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${PLOT.left}" y="22" font-size="14">${title}</text>`,
    ...grid,
    `<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="black"/>`,
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="black"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${SIZE.height - 12}" font-size="12" text-anchor="middle">offered orders / s (open loop)</text>`,
    `<text x="18" y="${midY}" font-size="12" text-anchor="middle" transform="rotate(-90 18 ${midY})">order → result, ms (log)</text>`,
    ...lines,
    `<text x="${PLOT.right + 15}" y="${PLOT.top + 20 + series.length * 18}" font-size="11" fill="#555">solid p99, dashed p50</text>`,
    '</svg>',
  ].join('\n');
}
