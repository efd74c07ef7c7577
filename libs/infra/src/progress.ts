// Progress for long work (downloads, waits): a live line on a terminal, a line
// every few seconds otherwise, so nobody stares at a silent minute.
export const PROGRESS_LINE_INTERVAL_MS = 5_000;

export type ProgressSink = (message: string) => void;

export interface Progress {
  update(detail: string): void;
  done(detail?: string): void;
}

export function progress(label: string, out: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const started = Date.now();
  const tty = Boolean(out.isTTY);
  let lastLineAt = 0;
  let lastDetail = '';
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const write = (line: string, final: boolean): void => {
    if (quiet) return;
    if (tty) out.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else out.write(`${line}\n`);
  };
  const timer = setInterval(() => {
    if (tty) write(`${label} ${lastDetail} (${elapsed()})`, false);
  }, 1_000);
  timer.unref();
  write(`${label}...`, !tty);
  return {
    update(detail) {
      lastDetail = detail;
      const now = Date.now();
      if (tty || now - lastLineAt >= PROGRESS_LINE_INTERVAL_MS) {
        lastLineAt = now;
        write(`${label} ${detail} (${elapsed()})`, !tty);
      }
    },
    done(detail = 'done') {
      clearInterval(timer);
      write(`${label} ${detail} (${elapsed()})`, true);
    },
  };
}
