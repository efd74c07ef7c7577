// Child processes of the bench, typed: forked with tsx and an IPC channel,
// with `next(type)` to await a given reply, and the stderr tail kept for errors.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TSX = import.meta.resolve('tsx');
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TAIL_LINES = 40;

export interface Child<In extends { type: string }, Out extends { type: string }> {
  readonly name: string;
  readonly pid: number;
  send(message: In): void;
  /** The next message of `type` (that `matches`, when given); rejects after timeoutMs. */
  next<T extends Out['type']>(type: T, timeoutMs: number, matches?: (message: Extract<Out, { type: T }>) => boolean): Promise<Extract<Out, { type: T }>>;
  on<T extends Out['type']>(type: T, handler: (message: Extract<Out, { type: T }>) => void): void;
  /** Asks nicely (the given message), then SIGKILL after graceMs. */
  stop(message: In | null, graceMs: number): Promise<void>;
}

export function spawnChild<In extends { type: string }, Out extends { type: string }>(
  entry: URL, name: string, options: { args?: string[]; execArgv?: string[]; env?: Record<string, string> } = {},
): Child<In, Out> {
  const proc: ChildProcess = fork(fileURLToPath(entry), options.args ?? [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', TSX, ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const unclaimed: Out[] = [];
  const waiters: { type: string; matches: (m: Out) => boolean; resolve: (m: Out) => void; reject: (e: Error) => void }[] = [];
  const handlers = new Map<string, ((m: Out) => void)[]>();
  let exited: Error | null = null;
  proc.on('message', (raw) => {
    const message = raw as Out;
    const handled = handlers.get(message.type);
    if (handled) { for (const h of handled) h(message); return; }
    const i = waiters.findIndex((w) => w.type === message.type && w.matches(message));
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(message);
    else unclaimed.push(message);
  });
  proc.on('exit', (code, signal) => {
    exited = new Error(`${name} (pid ${proc.pid}) exited with ${signal ?? code}:\n${tail.join('\n')}`);
    for (const w of waiters.splice(0)) w.reject(exited);
  });
  return {
    name,
    pid: proc.pid ?? -1,
    send(message) {
      if (proc.connected) proc.send(message);
    },
    next(type, timeoutMs, matches) {
      const accepts = (m: Out): boolean => m.type === type && (!matches || matches(m as never));
      const i = unclaimed.findIndex(accepts);
      if (i >= 0) return Promise.resolve(unclaimed.splice(i, 1)[0] as never);
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => {
        const waiter = { type, matches: accepts, resolve: resolve as (m: Out) => void, reject };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`${name}: no '${type}' within ${timeoutMs} ms; last output:\n${tail.slice(-10).join('\n')}`));
        }, timeoutMs);
        waiter.resolve = (m) => { clearTimeout(timer); (resolve as (m: Out) => void)(m); };
        waiter.reject = (e) => { clearTimeout(timer); reject(e); };
        waiters.push(waiter);
      });
    },
    on(type, handler) {
      handlers.set(type, [...(handlers.get(type) ?? []), handler as (m: Out) => void]);
    },
    stop(message, graceMs) {
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        proc.once('exit', () => { clearTimeout(timer); resolve(); });
        if (message && proc.connected) proc.send(message);
        else proc.kill('SIGTERM');
      });
    },
  };
}

export { freePort } from '@inplay/infra';

/** A child entry's IPC: typed receive and send, and exit when the parent goes away. */
export function parentChannel<In extends { type: string }, Out extends { type: string }>(onMessage: (message: In) => void): (message: Out) => void {
  if (!process.send) throw new Error('this file is a bench child process: start it through benchFanout');
  process.on('message', (m) => onMessage(m as In));
  process.on('disconnect', () => process.exit(0));
  return (message) => { if (process.connected) process.send?.(message); };
}
