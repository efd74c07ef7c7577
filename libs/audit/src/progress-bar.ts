// A progress bar on stderr for long folds over history: done/total, rate and
// ETA; redrawn in place on a terminal, a line every few seconds otherwise.
export const PROGRESS_REDRAW_MS = 200;
export const PROGRESS_LINE_INTERVAL_MS = 5_000;
const BAR_CHARS = 30;

export interface ProgressBar {
  tick(done: number): void;
  finish(message: string): void;
}

export function progressBar(label: string, total: number, out: NodeJS.WriteStream | null = process.stderr): ProgressBar {
  const startedAt = performance.now();
  let lastDrawAt = -Infinity;
  const tty = Boolean(out?.isTTY);
  const draw = (done: number, final: boolean) => {
    if (!out) return;
    const elapsedS = (performance.now() - startedAt) / 1_000;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const rate = elapsedS > 0 ? done / elapsedS : 0;
    const etaS = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
    const filled = Math.round(share * BAR_CHARS);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_CHARS - filled)}] ${done}/${total} ${(share * 100).toFixed(0)}% ${Math.round(rate)}/s ETA ${etaS.toFixed(0)} s`;
    out.write(tty ? `\r\x1b[2K${line}${final ? '\n' : ''}` : `${line}\n`);
  };
  return {
    tick(done) {
      const now = performance.now();
      if (now - lastDrawAt < (tty ? PROGRESS_REDRAW_MS : PROGRESS_LINE_INTERVAL_MS)) return;
      lastDrawAt = now;
      draw(done, false);
    },
    finish(message) {
      if (!out) return;
      if (tty) out.write('\r\x1b[2K');
      out.write(`${label} ${message}\n`);
    },
  };
}
