// The experiment's chart: per figure a panel, per policy a group of bars (one
// per replay speed) at the median over the seeds with a whisker from min to
// max, as plain SVG.
import type { Spread } from '../shared/repeat';
import type { FairnessSweepReport } from './run';
import { speedKey, type SweepFigure } from './sweep';

const BAR_W = 16;
const GROUP_GAP = 16;
const PANEL_H = 200;
const TOP = 40;
const PANEL_GAP = 44;
/** One colour per speed, slowest first. */
const SPEED_COLORS = ['#2e86c1', '#8e44ad', '#c0392b', '#16a085', '#d35400'];

interface Panel {
  figure: SweepFigure;
  title: string;
  /** Report units → chart units. */
  scale: number;
  digits: number;
}

const PANELS: Panel[] = [
  { figure: 'frontRunnerPnl', title: 'Front-runner P&amp;L (€)', scale: 0.01, digits: 0 },
  { figure: 'honestFillRate', title: 'Honest fill rate (%)', scale: 100, digits: 1 },
  { figure: 'honestMedianTimeToFillMs', title: 'Honest median time to fill (s)', scale: 0.001, digits: 1 },
  { figure: 'frontRunnerRank', title: 'Front-runner rank (anomaly report)', scale: 1, digits: 0 },
];

const text = (x: number, y: number, s: string, anchor = 'middle', size = 11) =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" text-anchor="${anchor}" font-family="sans-serif">${s}</text>`;

export function fairnessChartSvg(report: FairnessSweepReport): string {
  const policies = Object.keys(report.policies);
  const speeds = report.setup.speeds;
  const groupW = speeds.length * BAR_W;
  const panelW = policies.length * (groupW + GROUP_GAP) + GROUP_GAP;
  const width = PANELS.length * (panelW + PANEL_GAP) + PANEL_GAP;
  const height = TOP + PANEL_H + 110;
  const parts: string[] = [];
  const spreadAt = (policy: string, speed: number, panel: Panel): Spread | null => {
    const s = report.policies[policy]?.[speedKey(speed)]?.[panel.figure];
    return s && Number.isFinite(s.median) ? s : null;
  };
  PANELS.forEach((panel, k) => {
    const left = PANEL_GAP + k * (panelW + PANEL_GAP);
    const all = policies.flatMap((p) => speeds.map((s) => spreadAt(p, s, panel))).filter((s): s is Spread => s !== null);
    const maxPos = Math.max(0, ...all.map((s) => s.max * panel.scale));
    const maxNeg = Math.max(0, ...all.map((s) => -s.min * panel.scale));
    const span = Math.max(1e-9, maxPos + maxNeg);
    // Zero sits where positive and negative values both fit (at the bottom when nothing is negative).
    const zeroY = TOP + 14 + (PANEL_H - 14) * (maxPos / span || 1);
    const y = (v: number) => zeroY - v * panel.scale * ((PANEL_H - 14) / span);
    parts.push(text(left + panelW / 2, 20, panel.title, 'middle', 13));
    parts.push(`<line x1="${left}" y1="${zeroY.toFixed(1)}" x2="${left + panelW}" y2="${zeroY.toFixed(1)}" stroke="#888"/>`);
    policies.forEach((policy, i) => {
      const gx = left + GROUP_GAP + i * (groupW + GROUP_GAP);
      speeds.forEach((speed, j) => {
        const x = gx + j * BAR_W;
        const s = spreadAt(policy, speed, panel);
        if (!s) {
          parts.push(text(x + BAR_W / 2, zeroY - 4, '–', 'middle', 9));
          return;
        }
        const top = Math.min(y(s.median), zeroY);
        const h = Math.max(1, Math.abs(y(s.median) - zeroY));
        parts.push(`<rect x="${x + 1}" y="${top.toFixed(1)}" width="${BAR_W - 2}" height="${h.toFixed(1)}" fill="${SPEED_COLORS[j % SPEED_COLORS.length]}"><title>${policy} ${speedKey(speed)}: ${(s.median * panel.scale).toFixed(panel.digits)} (${(s.min * panel.scale).toFixed(panel.digits)}–${(s.max * panel.scale).toFixed(panel.digits)})</title></rect>`);
        // The range over the seeds.
        const cx = x + BAR_W / 2;
        parts.push(`<path d="M${cx} ${y(s.min).toFixed(1)}V${y(s.max).toFixed(1)}M${cx - 4} ${y(s.min).toFixed(1)}h8M${cx - 4} ${y(s.max).toFixed(1)}h8" stroke="#222" fill="none"/>`);
      });
      // Names under the panel, slanted so long ones do not run into each other.
      const lx = gx + groupW / 2;
      const ly = TOP + PANEL_H + 14;
      parts.push(`<text x="${lx}" y="${ly}" font-size="10" text-anchor="end" font-family="sans-serif" transform="rotate(-30 ${lx} ${ly})">${policy}</text>`);
    });
  });
  const legendY = height - 38;
  speeds.forEach((speed, j) => {
    const x = PANEL_GAP + j * 70;
    parts.push(`<rect x="${x}" y="${legendY - 9}" width="10" height="10" fill="${SPEED_COLORS[j % SPEED_COLORS.length]}"/>`, text(x + 14, legendY, speedKey(speed), 'start', 11));
  });
  parts.push(text(PANEL_GAP + speeds.length * 70 + 10, legendY, `bar: median over seeds ${report.setup.seeds.join(', ')}; whisker: min–max`, 'start', 11));
  parts.push(text(width / 2, height - 10, `${report.match.credit} · ${report.setup.honestUsers} honest users · front-runner ${report.setup.frontRunMs / 1000} s ahead of a ${report.setup.feedLagMs / 1000}–${(report.setup.feedLagMs + report.setup.feedLagJitterMs) / 1000} s feed`, 'middle', 10));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>\n`;
}
