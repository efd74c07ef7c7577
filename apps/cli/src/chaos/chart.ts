// The chaos report as a chart: per scenario, accepted orders/s before, during
// and after the fault (grouped bars) and the time to recover, each row marked
// with its verdict. Plain SVG, no dependencies.

export interface ChartRow {
  name: string;
  ok: boolean;
  before: number;
  during: number;
  after: number;
  recoveryMs: number | null;
}

const ROW_H = 30;
const TOP = 50;
const LABEL_W = 190;
const RATE_W = 360;
const RECOVERY_W = 260;
const GAP = 40;
const COLORS = { before: '#95a5a6', during: '#c0392b', after: '#2e86c1', recovery: '#8e44ad' };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const text = (x: number, y: number, s: string, anchor = 'start', size = 11, color = '#222'): string =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" text-anchor="${anchor}" fill="${color}" font-family="sans-serif">${esc(s)}</text>`;

export function chaosChartSvg(rows: readonly ChartRow[], title: string): string {
  const maxRate = Math.max(1, ...rows.flatMap((r) => [r.before, r.during, r.after]));
  const maxRecovery = Math.max(1, ...rows.map((r) => r.recoveryMs ?? 0));
  const rateLeft = LABEL_W;
  const recoveryLeft = LABEL_W + RATE_W + GAP;
  const width = recoveryLeft + RECOVERY_W + 60;
  const height = TOP + rows.length * ROW_H + 40;
  const parts: string[] = [
    text(width / 2, 20, title, 'middle', 14),
    text(rateLeft, TOP - 10, 'accepted orders/s: before · during · after the fault', 'start', 11),
    text(recoveryLeft, TOP - 10, 'time to recover (s)', 'start', 11),
  ];
  rows.forEach((r, i) => {
    const y = TOP + i * ROW_H;
    parts.push(text(LABEL_W - 8, y + 17, `${r.ok ? '✓' : '✗'} ${r.name}`, 'end', 11, r.ok ? '#1e8449' : '#c0392b'));
    (['before', 'during', 'after'] as const).forEach((k, j) => {
      const w = (r[k] / maxRate) * (RATE_W - 40);
      parts.push(`<rect x="${rateLeft}" y="${(y + 3 + j * 8).toFixed(1)}" width="${w.toFixed(1)}" height="7" fill="${COLORS[k]}"/>`);
    });
    parts.push(text(rateLeft + RATE_W - 36, y + 17, `${r.during}/s`, 'start', 10));
    if (r.recoveryMs !== null) {
      const w = (r.recoveryMs / maxRecovery) * (RECOVERY_W - 50);
      parts.push(`<rect x="${recoveryLeft}" y="${y + 6}" width="${w.toFixed(1)}" height="16" fill="${COLORS.recovery}"/>`);
      parts.push(text(recoveryLeft + w + 4, y + 18, (r.recoveryMs / 1000).toFixed(1), 'start', 10));
    } else {
      parts.push(text(recoveryLeft, y + 18, 'did not recover', 'start', 10, '#c0392b'));
    }
  });
  const legendY = TOP + rows.length * ROW_H + 20;
  (['before', 'during', 'after'] as const).forEach((k, j) => {
    parts.push(`<rect x="${rateLeft + j * 90}" y="${legendY - 9}" width="10" height="10" fill="${COLORS[k]}"/>`, text(rateLeft + j * 90 + 14, legendY, k, 'start', 10));
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`;
}
