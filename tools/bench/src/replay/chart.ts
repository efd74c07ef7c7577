// The replay benchmark's chart, hand-written SVG: on top, events/s per
// pipeline (median bar, min–max whisker) against the goal; below, the stages
// of each pipeline's median run on a time axis, so overlapping stages show as
// bars side by side in time.
import { linearScale, niceMax } from '../settlement/chart';

export interface ReplayChartVariant {
  name: string;
  eventsPerSec: { median: number; min: number; max: number };
  equal: boolean;
  /** Stage → [start, end] ms since the audit began, of the median run. */
  spans: Record<string, [number, number]>;
  durationMs: number;
}

const WIDTH = 760;
const LEFT = 150;
const RIGHT = WIDTH - 30;
const COLORS = ['#7f7f7f', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd'];
const STAGE_COLORS: Record<string, string> = {
  readTopics: '#1f77b4', readLive: '#2ca02c', foldResults: '#ff7f0e', compare: '#9467bd', writeRebuiltDatabase: '#d62728',
};
const BAR_H = 22;
const STAGE_H = 12;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function replayChartSvg(variants: readonly ReplayChartVariant[], goalEventsPerSec: number, title: string): string {
  const out: string[] = [];
  // Throughput bars.
  const maxRate = niceMax(Math.max(goalEventsPerSec, ...variants.map((v) => v.eventsPerSec.max)));
  const x = linearScale(maxRate, LEFT, RIGHT);
  let y = 50;
  out.push(`<text x="${LEFT}" y="${y - 12}" font-size="12" fill="#333">events / s (median, whisker min–max)</text>`);
  variants.forEach((v, i) => {
    const color = COLORS[i % COLORS.length]!;
    const top = y + i * (BAR_H + 8);
    const mid = top + BAR_H / 2;
    out.push(`<text x="${LEFT - 8}" y="${mid + 4}" font-size="12" text-anchor="end">${esc(v.name)}${v.equal ? '' : ' (NOT EQUAL)'}</text>`,
      `<rect x="${LEFT}" y="${top}" width="${(x(v.eventsPerSec.median) - LEFT).toFixed(1)}" height="${BAR_H}" fill="${color}" opacity="0.8"/>`,
      `<line x1="${x(v.eventsPerSec.min).toFixed(1)}" x2="${x(v.eventsPerSec.max).toFixed(1)}" y1="${mid}" y2="${mid}" stroke="black"/>`,
      `<text x="${(x(v.eventsPerSec.median) + 6).toFixed(1)}" y="${top - 2}" font-size="11">${Math.round(v.eventsPerSec.median).toLocaleString('en-US')}</text>`);
  });
  const barsBottom = y + variants.length * (BAR_H + 8);
  out.push(`<line x1="${x(goalEventsPerSec).toFixed(1)}" x2="${x(goalEventsPerSec).toFixed(1)}" y1="${y - 4}" y2="${barsBottom}" stroke="#d62728" stroke-dasharray="5 3"/>`,
    `<text x="${x(goalEventsPerSec).toFixed(1)}" y="${barsBottom + 12}" font-size="11" fill="#d62728" text-anchor="middle">goal ${goalEventsPerSec.toLocaleString('en-US')}</text>`);
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<text x="${x(f * maxRate).toFixed(1)}" y="${barsBottom + 26}" font-size="10" text-anchor="middle" fill="#555">${Math.round(f * maxRate).toLocaleString('en-US')}</text>`);
  }
  // Stage timelines.
  y = barsBottom + 60;
  const maxMs = niceMax(Math.max(1, ...variants.map((v) => v.durationMs)));
  const t = linearScale(maxMs, LEFT, RIGHT);
  out.push(`<text x="${LEFT}" y="${y - 12}" font-size="12" fill="#333">stages of the median run, ms since the start (side by side = overlapped)</text>`);
  const stages = [...new Set(variants.flatMap((v) => Object.keys(v.spans)))];
  for (const v of variants) {
    const rows = stages.filter((s) => v.spans[s]);
    out.push(`<text x="${LEFT - 8}" y="${y + 10}" font-size="12" text-anchor="end">${esc(v.name)}</text>`);
    rows.forEach((stage, j) => {
      const [a, b] = v.spans[stage]!;
      const top = y + j * (STAGE_H + 2);
      out.push(`<rect x="${t(a).toFixed(1)}" y="${top}" width="${Math.max(1, t(b) - t(a)).toFixed(1)}" height="${STAGE_H}" fill="${STAGE_COLORS[stage] ?? '#999'}"><title>${esc(stage)} ${a}–${b} ms</title></rect>`);
    });
    out.push(`<line x1="${t(v.durationMs).toFixed(1)}" x2="${t(v.durationMs).toFixed(1)}" y1="${y - 2}" y2="${y + rows.length * (STAGE_H + 2)}" stroke="black"/>`);
    y += rows.length * (STAGE_H + 2) + 16;
  }
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<text x="${t(f * maxMs).toFixed(1)}" y="${y + 4}" font-size="10" text-anchor="middle" fill="#555">${Math.round(f * maxMs)}</text>`);
  }
  y += 24;
  stages.forEach((stage, i) => {
    const lx = LEFT + (i % 3) * 190;
    const ly = y + Math.floor(i / 3) * 16;
    out.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${STAGE_COLORS[stage] ?? '#999'}"/>`, `<text x="${lx + 16}" y="${ly}" font-size="11">${esc(stage)}</text>`);
  });
  const height = y + Math.ceil(stages.length / 3) * 16 + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="20" y="22" font-size="14">${esc(title)}</text>`,
    ...out,
    '</svg>',
  ].join('\n');
}
