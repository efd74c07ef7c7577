// What `inplay up` does while the stack runs: watches every service it
// started, restarts one that dies (backoff and crash-loop limit from
// restart-policy.ts) and says so on its console, with the service's name and
// the last lines of its log; a health that turns to "failed" (a failed demo
// replay, say) is reported once. The caller records it all for `inplay status`.
import type { ManagedProcess } from '@inplay/infra';
import { RESTART_LIMITS, assertRestartLimits, decideRestart, evolveRestart, initialRestartState, type RestartLimits, type RestartState } from './restart-policy';

export const SUPERVISION = {
  /** How often each service's /health is asked while the stack runs. */
  healthWatchIntervalMs: 2_000,
  /** Timeout of one health probe. */
  healthProbeTimeoutMs: 1_500,
  /** Lines of a service's log shown when it exits for good or fails. */
  failureLogLines: 15,
  /** Lines of its log shown under a restart. */
  restartLogLines: 5,
  /** A restarted service must answer /health within this (as at start-up), or it is reported (and left running). */
  restartHealthTimeoutMs: 60_000,
  restartHealthPollMs: 200,
} as const;

export interface Supervised {
  name: string;
  process: ManagedProcess;
  healthUrl?: string;
  /** Starts the service again, same command, environment, ports and log; without it an exit is only reported. */
  respawn?: () => ManagedProcess;
}

export interface SupervisorEvents {
  /** A line for the console (the caller prints it). */
  report: (text: string) => void;
  /** A service exited while the stack was up. */
  exited?: (name: string, how: string) => void;
  /** A new process of the service started: the `count`th restart, after an exit described by `lastExit`. */
  restarted?: (name: string, restart: { count: number; pid: number | undefined; lastExit: string }) => void;
  /** A restarted service answers its health again. */
  back?: (name: string) => void;
  /** Crash loop: it will not be restarted again. */
  gaveUp?: (name: string, crashLoop: { restarts: number; withinMs: number; lastExit: string }) => void;
}

export interface SupervisorOptions {
  healthWatchIntervalMs?: number;
  limits?: RestartLimits;
}

export interface Supervisor {
  /** Stops watching and cancels pending restarts (call before stopping the services on purpose). */
  stop(): void;
  /** Health rounds completed so far. */
  readonly rounds: number;
}

/** What a service's /health says: ok, failed with a reason, or unreachable. */
export async function probeHealth(url: string, timeoutMs: number = SUPERVISION.healthProbeTimeoutMs): Promise<{ state: 'ok' } | { state: 'failed' | 'unreachable'; reason: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.ok) return { state: 'ok' };
    const body = (await res.json().catch(() => null)) as { status?: string; reason?: string } | null;
    return { state: 'failed', reason: body?.reason ?? `health answered ${res.status}` };
  } catch (err) {
    return { state: 'unreachable', reason: (err as Error).message };
  }
}

function logTail(process: ManagedProcess, lines: number): string {
  return process.lastLines(lines).split('\n').filter(Boolean).map((l) => `    ${l}`).join('\n') || '    (nothing logged)';
}

export function failureReport(name: string, what: string, process: ManagedProcess): string {
  return `\n✗ ${name} ${what}. Last lines of ${process.logFile}:\n${logTail(process, SUPERVISION.failureLogLines)}\n`;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

function restartReport(name: string, how: string, delayMs: number, restart: number, process: ManagedProcess): string {
  return `\n↻ ${name} exited (${how}); restarting in ${seconds(delayMs)} s (restart ${restart}). Last lines of ${process.logFile}:\n${logTail(process, SUPERVISION.restartLogLines)}`;
}

function crashLoopReport(name: string, how: string, loop: { restarts: number; withinMs: number }, process: ManagedProcess): string {
  return `${failureReport(name, `is in a crash loop: it exited (${how}) after ${loop.restarts} restarts in ${Math.round(loop.withinMs / 1000)} s, so inplay up no longer restarts it; the rest of the stack keeps running`, process)}`
    + `  What to do: find the cause in its log (${process.logFile}), fix it, then start the stack again (Ctrl-C, then \`npx inplay up\`).\n`;
}

/** One service under watch: its current process and its restart history. */
interface Watch {
  service: Supervised;
  current: ManagedProcess;
  restart: RestartState;
  restarts: number;
  /** Since when it has answered every health probe ok (epoch ms); null while not (or not yet) healthy. */
  healthySinceMs: number | null;
  failureShown: boolean;
  pendingRestart?: NodeJS.Timeout;
}

export function supervise(services: readonly Supervised[], events: SupervisorEvents, options: SupervisorOptions = {}): Supervisor {
  const limits = options.limits ?? RESTART_LIMITS;
  assertRestartLimits(limits);
  let stopped = false;
  // They are watched once they answered their health at start-up: healthy from now.
  const watches: Watch[] = services.map((service) => ({ service, current: service.process, restart: initialRestartState(), restarts: 0, healthySinceMs: Date.now(), failureShown: false }));

  const onExit = (w: Watch, process: ManagedProcess): void => {
    if (stopped || process !== w.current) return;
    const { name } = w.service;
    const how = process.exitDescription ?? 'exited';
    const exitedAtMs = Date.now();
    events.exited?.(name, how);
    if (!w.service.respawn) { events.report(failureReport(name, `exited (${how})`, process)); return; }
    const decision = decideRestart({ atMs: exitedAtMs, healthyForMs: w.healthySinceMs === null ? 0 : exitedAtMs - w.healthySinceMs }, w.restart, limits);
    w.healthySinceMs = null;
    if (decision.action === 'give-up') {
      events.report(crashLoopReport(name, how, decision, process));
      events.gaveUp?.(name, { restarts: decision.restarts, withinMs: decision.withinMs, lastExit: how });
      return;
    }
    events.report(restartReport(name, how, decision.delayMs, w.restarts + 1, process));
    w.pendingRestart = setTimeout(() => void restartNow(w, { backoffStep: decision.backoffStep, dueAtMs: exitedAtMs + decision.delayMs }, exitedAtMs, how), decision.delayMs);
  };

  const watchExit = (w: Watch, process: ManagedProcess): void => {
    void process.whenExited().then(() => onExit(w, process));
  };

  const restartNow = async (w: Watch, due: { backoffStep: number; dueAtMs: number }, exitedAtMs: number, how: string): Promise<void> => {
    w.pendingRestart = undefined;
    if (stopped) return;
    const { name, healthUrl } = w.service;
    // Never counted earlier than decided (a timer may fire a millisecond early): the crash-loop bound holds on these times.
    w.restart = evolveRestart(w.restart, { atMs: Math.max(Date.now(), due.dueAtMs), backoffStep: due.backoffStep }, limits);
    w.restarts += 1;
    w.failureShown = false;
    let process: ManagedProcess;
    try {
      process = w.service.respawn!();
    } catch (err) {
      events.report(`\n✗ ${name} could not be restarted: ${(err as Error).message}\n`);
      return;
    }
    w.current = process;
    watchExit(w, process);
    events.restarted?.(name, { count: w.restarts, pid: process.pid, lastExit: how });
    // Without a health endpoint there is no telling when it is back: counted healthy from its start.
    if (!healthUrl) { w.healthySinceMs = Date.now(); return; }
    const healthy = await healthyAgain(healthUrl, process, () => stopped);
    if (stopped || process !== w.current || !process.running) return;
    if (healthy) {
      w.healthySinceMs = Date.now();
      events.report(`✓ ${name} back after ${seconds(Date.now() - exitedAtMs)} s`);
      events.back?.(name);
    } else {
      events.report(failureReport(name, `was restarted but did not answer its health within ${SUPERVISION.restartHealthTimeoutMs / 1000} s; it keeps running`, process));
    }
  };

  for (const w of watches) watchExit(w, w.current);

  let rounds = 0;
  let probing = false;
  const timer = setInterval(() => {
    if (probing) return;
    probing = true;
    const watched = watches.filter((w) => w.service.healthUrl && w.current.running && !w.failureShown);
    void Promise.all(watched.map(async (w) => {
      const process = w.current;
      const health = await probeHealth(w.service.healthUrl!);
      if (stopped || process !== w.current || !process.running) return;
      if (health.state === 'ok') { w.healthySinceMs ??= Date.now(); return; }
      w.healthySinceMs = null;
      if (health.state !== 'failed' || w.failureShown) return;
      w.failureShown = true;
      events.report(failureReport(w.service.name, `reports a failure: ${health.reason}`, process));
    })).finally(() => { probing = false; rounds += 1; });
  }, options.healthWatchIntervalMs ?? SUPERVISION.healthWatchIntervalMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const w of watches) clearTimeout(w.pendingRestart);
    },
    get rounds() { return rounds; },
  };
}

/** Polls a restarted service's health until it answers ok; false when it exits, the supervisor stops, or the time is up. */
async function healthyAgain(healthUrl: string, process: ManagedProcess, stopped: () => boolean): Promise<boolean> {
  const deadline = Date.now() + SUPERVISION.restartHealthTimeoutMs;
  while (!stopped() && process.running && Date.now() < deadline) {
    if ((await probeHealth(healthUrl)).state === 'ok') return true;
    await new Promise((r) => setTimeout(r, SUPERVISION.restartHealthPollMs));
  }
  return false;
}
