// A service's entry point (TypeScript, run under tsx) in a child process of
// its own, as deployed: started by path, ready once a line of its output says
// so, stopped with SIGTERM (or killed with SIGKILL, for crash tests). Used by
// tests and benchmarks that must not import the service they run.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TS_PROCESS_READY_TIMEOUT_MS = 60_000;
export const TS_PROCESS_STOP_TIMEOUT_MS = 20_000;
/** Output lines kept for error messages. */
export const TS_PROCESS_LINES_KEPT = 50;

export interface TsProcess {
  pid: number;
  /** Lines it printed last (for error messages). */
  tail(): string[];
  /** Rejects if the process dies before stop() or kill() was called. */
  died: Promise<never>;
  /** SIGTERM, then SIGKILL after the stop timeout; rejects when `expectCleanExit` and it exits non-zero. */
  stop(options?: { expectCleanExit?: boolean }): Promise<void>;
  /** SIGKILL: a crash, nothing flushed. */
  kill(): Promise<void>;
}

export interface TsProcessOptions {
  /** Entry file relative to the repository root, e.g. apps/pricing/src/main.ts. */
  entry: string;
  name: string;
  env: Record<string, string>;
  /** True for the output line that says the process is ready. */
  ready: (line: string) => boolean;
  readyTimeoutMs?: number;
  /** Writes V8 CPU profiles (.cpuprofile, one per thread) of the process into a folder named after it under this one when it exits. */
  cpuProfileDir?: string;
}

export async function startTsProcess(o: TsProcessOptions): Promise<TsProcess> {
  // One folder per process: each thread (tsx runs a loader thread too) writes a profile of its own there.
  const profiling = o.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(o.cpuProfileDir, o.name.replace(/[^\w.-]+/g, '_'))}`] : [];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', join(REPO_ROOT, o.entry)], {
    cwd: REPO_ROOT, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stopping = false;
  const died = new Promise<never>((_, reject) => child.once('exit', (code, signal) => {
    if (!stopping) reject(new Error(`${o.name} exited (${code ?? signal}):\n${lines.join('\n')}`));
  }));
  died.catch(() => undefined);
  const timeoutMs = o.readyTimeoutMs ?? TS_PROCESS_READY_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${o.name} not ready after ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
    const onData = (data: Buffer): void => {
      for (const line of data.toString().split('\n')) {
        if (!line) continue;
        lines.push(line);
        if (o.ready(line)) { clearTimeout(timer); resolve(); }
      }
      lines.splice(0, Math.max(0, lines.length - TS_PROCESS_LINES_KEPT));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    died.catch((err: Error) => { clearTimeout(timer); reject(err); });
  });
  return {
    pid: child.pid ?? -1,
    tail: () => [...lines],
    died,
    stop: (options) => { stopping = true; return stopChild(child, o.name, options?.expectCleanExit ?? false); },
    kill: () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGKILL'); });
    },
  };
}

function stopChild(child: ChildProcess, name: string, expectCleanExit: boolean): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not stop within ${TS_PROCESS_STOP_TIMEOUT_MS} ms`)); }, TS_PROCESS_STOP_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (expectCleanExit && code !== 0) reject(new Error(`${name} exited with ${code} on SIGTERM`));
      else resolve();
    });
    child.kill('SIGTERM');
  });
}
