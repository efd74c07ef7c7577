// A child process we started and must stop: output to a log file, a clean
// stop (SIGTERM, then SIGKILL after a grace period) and a pid file so that
// `inplay down` from another terminal can find it.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';

export const STOP_GRACE_MS = 20_000;

export class ManagedProcess {
  readonly child: ChildProcess;
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  private signal: NodeJS.Signals | null = null;
  private tail: string[] = [];

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    readonly logFile: string,
    options: SpawnOptions & { pidFile?: string } = {},
  ) {
    mkdirSync(dirname(logFile), { recursive: true });
    const log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const keepTail = (chunk: Buffer): void => {
      log.write(chunk);
      this.tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.tail.length > 40) this.tail.splice(0, this.tail.length - 40);
    };
    this.child.stdout?.on('data', keepTail);
    this.child.stderr?.on('data', keepTail);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.signal = signal;
        this.exitCode = code ?? (signal ? 128 : null);
        log.end();
        if (options.pidFile) rmSync(options.pidFile, { force: true });
        resolve(this.exitCode);
      });
      this.child.once('error', (err) => {
        this.tail.push(String(err));
        this.exitCode = -1;
        resolve(-1);
      });
    });
    if (options.pidFile && this.child.pid) {
      mkdirSync(dirname(options.pidFile), { recursive: true });
      writeFileSync(options.pidFile, String(this.child.pid));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last lines it printed, for error messages. */
  lastLines(n = 15): string {
    return this.tail.slice(-n).join('\n');
  }

  whenExited(): Promise<number | null> {
    return this.exited;
  }

  /** How it ended, in words ("exit code 1", "killed by SIGKILL"); null while it runs. */
  get exitDescription(): string | null {
    if (this.running) return null;
    return this.signal ? `killed by ${this.signal}` : `exit code ${this.exitCode}`;
  }

  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** True while the process runs; a zombie (exited, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Stops a process known only by its pid file (for `inplay down`). */
export async function stopByPidFile(pidFile: string, graceMs = STOP_GRACE_MS): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(pidFile, { force: true });
  return true;
}

/** Thrown from a wait check to stop waiting at once (the thing waited for has died). */
export class GiveUp extends Error {}

/** Polls `check` until it resolves true, or throws after `timeoutMs` with the last error. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms${lastError ? ` (${lastError})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
