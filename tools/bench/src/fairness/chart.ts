// The experiment's chart: per policy, the front-runner's P&L (€), the honest
// users' fill rate (%) and their median time to fill (s), as plain SVG bars.
import type { ExperimentReport, PolicyOutcome } from './experiment';

const BAR_W = 58;
const GAP = 14;
const PANEL_H = 200;
const TOP = 40;
const PANEL_GAP = 40;

interface Panel {
  title: string;
  value: (p: PolicyOutcome) => number | null;
  format: (v: number) => string;
  color: (v: number) => string;
}

const PANELS: Panel[] = [
  { title: 'Front-runner P&amp;L (€)', value: (p) => p.frontRunnerPnl / 100, format: (v) => v.toFixed(2), color: (v) => (v > 0 ? '#c0392b' : '#27ae60') },
  { title: 'Honest fill rate (%)', value: (p) => p.honestFillRate * 100, format: (v) => v.toFixed(1), color: () => '#2e86c1' },
  { title: 'Honest median time to fill (s)', value: (p) => (p.honestMedianTimeToFillMs === null ? null : p.honestMedianTimeToFillMs / 1000), format: (v) => v.toFixed(1), color: () => '#8e44ad' },
];

const text = (x: number, y: number, s: string, anchor = 'middle', size = 11) =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" text-anchor="${anchor}" font-family="sans-serif">${s}</text>`;

export function fairnessChartSvg(report: ExperimentReport): string {
  const entries = Object.entries(report.policies);
  const panelW = entries.length * (BAR_W + GAP) + GAP;
  const width = PANELS.length * (panelW + PANEL_GAP) + PANEL_GAP;
  const height = TOP + PANEL_H + 80;
  const parts: string[] = [];
  PANELS.forEach((panel, k) => {
    const left = PANEL_GAP + k * (panelW + PANEL_GAP);
    const values = entries.map(([, p]) => panel.value(p));
    const finite = values.filter((v): v is number => v !== null);
    const maxPos = Math.max(0, ...finite);
    const maxNeg = Math.max(0, ...finite.map((v) => -v));
    const span = Math.max(1e-9, maxPos + maxNeg);
    // Zero sits where positive and negative bars both fit (at the bottom when nothing is negative).
    const zeroY = TOP + 14 + (PANEL_H - 14) * (maxPos / span || 1);
    const scale = (PANEL_H - 14) / span;
    parts.push(text(left + panelW / 2, 20, panel.title, 'middle', 13));
    parts.push(`<line x1="${left}" y1="${zeroY.toFixed(1)}" x2="${left + panelW}" y2="${zeroY.toFixed(1)}" stroke="#888"/>`);
    entries.forEach(([name], i) => {
      const x = left + GAP + i * (BAR_W + GAP);
      const v = values[i];
      if (v !== null && v !== undefined) {
        const h = Math.abs(v) * scale;
        const y = v >= 0 ? zeroY - h : zeroY;
        parts.push(`<rect x="${x}" y="${y.toFixed(1)}" width="${BAR_W}" height="${Math.max(1, h).toFixed(1)}" fill="${panel.color(v)}"/>`);
        parts.push(text(x + BAR_W / 2, v >= 0 ? y - 4 : y + h + 12, panel.format(v)));
      } else {
        parts.push(text(x + BAR_W / 2, zeroY - 4, '–'));
      }
      // Names under the panel, slanted so long ones do not run into each other.
      const lx = x + BAR_W / 2;
      const ly = TOP + PANEL_H + 14;
      parts.push(`<text x="${lx}" y="${ly}" font-size="10" text-anchor="end" font-family="sans-serif" transform="rotate(-30 ${lx} ${ly})">${name}</text>`);
    });
  });
  parts.push(text(width / 2, height - 10, `${report.match.credit} · ${report.setup.honestUsers} honest users · front-runner ${report.setup.frontRunMs / 1000} s ahead of a ${report.setup.feedLagMs / 1000}–${(report.setup.feedLagMs + report.setup.feedLagJitterMs) / 1000} s feed`, 'middle', 10));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>\n`;
}
