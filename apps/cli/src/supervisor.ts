// What `inplay up` does while the stack runs: watches every service it
// started and says so on its console, with the service's name and the last
// lines of its log, when one exits or its health turns to "failed" (a failed
// demo replay, say). The stack state records the exit for `inplay status`.
import type { ManagedProcess } from '@inplay/infra';

export const SUPERVISION = {
  /** How often each service's /health is asked while the stack runs. */
  healthWatchIntervalMs: 2_000,
  /** Timeout of one health probe. */
  healthProbeTimeoutMs: 1_500,
  /** Lines of a service's log shown when it exits or fails. */
  failureLogLines: 15,
} as const;

export interface Supervised {
  name: string;
  process: ManagedProcess;
  healthUrl?: string;
}

export interface SupervisorEvents {
  /** A line for the console (the caller prints it). */
  report: (text: string) => void;
  /** A service exited while the stack was up. */
  exited?: (name: string, how: string) => void;
}

export interface Supervisor {
  /** Stops watching (call before stopping the services on purpose). */
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

export function failureReport(name: string, what: string, process: ManagedProcess): string {
  const lines = process.lastLines(SUPERVISION.failureLogLines).split('\n').filter(Boolean).map((l) => `    ${l}`).join('\n');
  return `\n✗ ${name} ${what}. Last lines of ${process.logFile}:\n${lines || '    (nothing logged)'}\n`;
}

export function supervise(services: readonly Supervised[], events: SupervisorEvents, intervalMs: number = SUPERVISION.healthWatchIntervalMs): Supervisor {
  let stopped = false;
  const failedShown = new Set<string>();
  for (const s of services) {
    void s.process.whenExited().then(() => {
      if (stopped) return;
      const how = s.process.exitDescription ?? 'exited';
      events.report(failureReport(s.name, `exited (${how})`, s.process));
      events.exited?.(s.name, how);
    });
  }
  let rounds = 0;
  let probing = false;
  const timer = setInterval(() => {
    if (probing) return;
    probing = true;
    const watched = services.filter((s) => s.healthUrl && s.process.running && !failedShown.has(s.name));
    void Promise.all(watched.map(async (s) => {
      const health = await probeHealth(s.healthUrl!);
      if (stopped || health.state !== 'failed' || failedShown.has(s.name)) return;
      failedShown.add(s.name);
      events.report(failureReport(s.name, `reports a failure: ${health.reason}`, s.process));
    })).finally(() => { probing = false; rounds += 1; });
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    get rounds() { return rounds; },
  };
}
