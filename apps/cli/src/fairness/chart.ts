// The experiment's chart: per policy, the front-runner's P&L (€, left panel)
// and the honest users' fill rate (%, right panel), as plain SVG bars.
import type { ExperimentReport } from './experiment';

const BAR_W = 46;
const GAP = 18;
const PANEL_H = 220;
const TOP = 40;

export function fairnessChartSvg(report: ExperimentReport): string {
  const entries = Object.entries(report.policies);
  const panelW = entries.length * (BAR_W + GAP) + GAP;
  const width = panelW * 2 + 120;
  const pnl = entries.map(([, p]) => p.frontRunnerPnl / 100);
  const maxAbs = Math.max(1, ...pnl.map(Math.abs));
  const zeroY = TOP + PANEL_H / 2;
  const parts: string[] = [];
  const text = (x: number, y: number, s: string, anchor = 'middle', size = 11) =>
    `<text x="${x}" y="${y}" font-size="${size}" text-anchor="${anchor}" font-family="sans-serif">${s}</text>`;
  parts.push(text(40 + panelW / 2, 20, 'Front-runner P&amp;L (€)', 'middle', 13));
  parts.push(`<line x1="40" y1="${zeroY}" x2="${40 + panelW}" y2="${zeroY}" stroke="#888"/>`);
  entries.forEach(([name], i) => {
    const x = 40 + GAP + i * (BAR_W + GAP);
    const h = (Math.abs(pnl[i]!) / maxAbs) * (PANEL_H / 2 - 10);
    const y = pnl[i]! >= 0 ? zeroY - h : zeroY;
    parts.push(`<rect x="${x}" y="${y}" width="${BAR_W}" height="${Math.max(1, h)}" fill="${pnl[i]! > 0 ? '#c0392b' : '#27ae60'}"/>`);
    parts.push(text(x + BAR_W / 2, pnl[i]! >= 0 ? y - 4 : y + h + 12, pnl[i]!.toFixed(0)));
    parts.push(text(x + BAR_W / 2, TOP + PANEL_H + 16, name, 'middle', 10));
  });
  const left2 = 80 + panelW;
  parts.push(text(left2 + panelW / 2, 20, 'Honest fill rate (%)', 'middle', 13));
  parts.push(`<line x1="${left2}" y1="${TOP + PANEL_H}" x2="${left2 + panelW}" y2="${TOP + PANEL_H}" stroke="#888"/>`);
  entries.forEach(([name, p], i) => {
    const x = left2 + GAP + i * (BAR_W + GAP);
    const h = p.honestFillRate * (PANEL_H - 10);
    parts.push(`<rect x="${x}" y="${TOP + PANEL_H - h}" width="${BAR_W}" height="${Math.max(1, h)}" fill="#2e86c1"/>`);
    parts.push(text(x + BAR_W / 2, TOP + PANEL_H - h - 4, (p.honestFillRate * 100).toFixed(1)));
    parts.push(text(x + BAR_W / 2, TOP + PANEL_H + 16, name, 'middle', 10));
  });
  parts.push(text(width / 2, TOP + PANEL_H + 40, `${report.match.credit} · ${report.setup.honestUsers} honest users · front-runner ${report.setup.frontRunMs / 1000} s ahead`, 'middle', 10));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${TOP + PANEL_H + 56}" viewBox="0 0 ${width} ${TOP + PANEL_H + 56}"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>\n`;
}
