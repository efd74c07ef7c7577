// The fan-out chart, pure and hand-written SVG: p99 latency (tick append ->
// client receipt) against connections, one line per gateway. The y axis is
// logarithmic: the two gateways can sit orders of magnitude apart.

export interface ChartSeries {
  label: string;
  color: string;
  points: { connections: number; p99Ms: number }[];
}

const BOX = { width: 680, height: 380, left: 64, right: 150, top: 34, bottom: 50 } as const;
/** The goal line of issue 18: p99 <= 250 ms tick -> client at 50,000 connections. */
export const GOAL_P99_MS = 250;

/** Powers of ten covering [min, max] (both > 0), at least two of them. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-3)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, 1e-3))));
  return Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
}

/** Evenly spaced round ticks from 0 to at least max (steps of 1, 2 or 5 times a power of ten). */
export function linearTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const count = Math.ceil(max / step - 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => i * step);
}

export interface Scales {
  x(connections: number): number;
  y(ms: number): number;
  xTicks: number[];
  yTicks: number[];
}

export function chartScales(series: readonly ChartSeries[]): Scales {
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.p99Ms));
  const xTicks = linearTicks(Math.max(1, ...points.map((p) => p.connections)));
  const yTicks = logTicks(Math.min(GOAL_P99_MS, ...points.map((p) => Math.max(p.p99Ms, 0.1))), Math.max(GOAL_P99_MS, ...points.map((p) => p.p99Ms)));
  const plotW = BOX.width - BOX.left - BOX.right;
  const plotH = BOX.height - BOX.top - BOX.bottom;
  const xMax = xTicks[xTicks.length - 1] as number;
  const [yLo, yHi] = [Math.log10(yTicks[0] as number), Math.log10(yTicks[yTicks.length - 1] as number)];
  return {
    x: (c) => BOX.left + (c / xMax) * plotW,
    y: (ms) => BOX.top + plotH - ((Math.log10(Math.max(ms, yTicks[0] as number)) - yLo) / (yHi - yLo)) * plotH,
    xTicks,
    yTicks,
  };
}

const f = (n: number): string => n.toFixed(1);

export function latencyChartSvg(series: readonly ChartSeries[], title: string): string {
  const s = chartScales(series);
  const plotBottom = BOX.height - BOX.bottom;
  const grid = [
    ...s.yTicks.map((ms) => `<line x1="${BOX.left}" x2="${BOX.width - BOX.right}" y1="${f(s.y(ms))}" y2="${f(s.y(ms))}" stroke="#eee"/>`
      + `<text x="${BOX.left - 6}" y="${f(s.y(ms) + 4)}" font-size="11" text-anchor="end">${ms}</text>`),
    ...s.xTicks.map((c) => `<text x="${f(s.x(c))}" y="${plotBottom + 16}" font-size="11" text-anchor="middle">${c.toLocaleString('en-US')}</text>`),
  ];
  const goal = `<line x1="${BOX.left}" x2="${BOX.width - BOX.right}" y1="${f(s.y(GOAL_P99_MS))}" y2="${f(s.y(GOAL_P99_MS))}" stroke="#999" stroke-dasharray="4 4"/>`
    + `<text x="${BOX.width - BOX.right + 6}" y="${f(s.y(GOAL_P99_MS) + 4)}" font-size="11" fill="#666">goal ${GOAL_P99_MS} ms</text>`;
  const lines = series.map((line, i) => {
    const pts = line.points.filter((p) => Number.isFinite(p.p99Ms));
    const poly = pts.map((p) => `${f(s.x(p.connections))},${f(s.y(p.p99Ms))}`).join(' ');
    const dots = pts.map((p) => `<circle cx="${f(s.x(p.connections))}" cy="${f(s.y(p.p99Ms))}" r="3" fill="${line.color}"><title>${line.label} ${p.connections}: ${p.p99Ms} ms</title></circle>`).join('');
    return `<polyline fill="none" stroke="${line.color}" stroke-width="2" points="${poly}"/>${dots}`
      + `<text x="${BOX.width - BOX.right + 6}" y="${BOX.top + 14 + i * 16}" font-size="12" fill="${line.color}">${line.label}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${BOX.width}" height="${BOX.height}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${BOX.left}" y="20" font-size="14">${title}</text>`,
    ...grid,
    goal,
    `<line x1="${BOX.left}" y1="${BOX.top}" x2="${BOX.left}" y2="${plotBottom}" stroke="black"/>`,
    `<line x1="${BOX.left}" y1="${plotBottom}" x2="${BOX.width - BOX.right}" y2="${plotBottom}" stroke="black"/>`,
    `<text x="${BOX.left + (BOX.width - BOX.left - BOX.right) / 2}" y="${BOX.height - 12}" font-size="12" text-anchor="middle">connections</text>`,
    `<text x="16" y="${BOX.top + (plotBottom - BOX.top) / 2}" font-size="12" transform="rotate(-90 16 ${BOX.top + (plotBottom - BOX.top) / 2})" text-anchor="middle">p99 ms (log scale)</text>`,
    ...lines,
    '</svg>',
  ].join('\n');
}
