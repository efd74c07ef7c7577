// When `inplay up` restarts a service that died, and when it stops trying: a
// pure decider the supervisor feeds with exits and restarts (as Kubernetes'
// CrashLoopBackOff and Compose's `restart: unless-stopped` decide elsewhere).

export interface RestartLimits {
  /** Wait before the first restart of a streak. */
  restartInitialDelayMs: number;
  /** The wait doubles per restart up to this. */
  restartMaxDelayMs: number;
  /** At most this many restarts within crashLoopWindowMs; the next exit leaves the service down. */
  crashLoopLimit: number;
  crashLoopWindowMs: number;
  /** A service healthy this long before it exits starts its backoff over from restartInitialDelayMs. */
  backoffResetAfterHealthyMs: number;
}

export const RESTART_LIMITS: RestartLimits = {
  restartInitialDelayMs: 1_000,
  restartMaxDelayMs: 30_000,
  crashLoopLimit: 5,
  crashLoopWindowMs: 5 * 60_000,
  backoffResetAfterHealthyMs: 60_000,
};

export interface RestartState {
  /** Restarts since the backoff last started over: the exponent of the next delay. */
  backoffStep: number;
  /** When each restart happened (epoch ms, oldest first); only those that can still fall in a crash-loop window. */
  restartedAtMs: number[];
}

/** The service exited at atMs, having answered its health checks without a break for healthyForMs before. */
export interface ServiceExit {
  atMs: number;
  healthyForMs: number;
}

export type RestartDecision =
  | { action: 'restart'; delayMs: number; backoffStep: number }
  /** Crash loop: `restarts` restarts, the first of them `withinMs` before this exit. */
  | { action: 'give-up'; restarts: number; withinMs: number };

export function initialRestartState(): RestartState {
  return { backoffStep: 0, restartedAtMs: [] };
}

export function assertRestartLimits(limits: RestartLimits): void {
  const { restartInitialDelayMs: initial, restartMaxDelayMs: max, crashLoopLimit, crashLoopWindowMs, backoffResetAfterHealthyMs } = limits;
  if (!(initial > 0 && max >= initial && Number.isInteger(crashLoopLimit) && crashLoopLimit >= 1 && crashLoopWindowMs > 0 && backoffResetAfterHealthyMs > 0)) {
    throw new Error(`restart limits out of range: ${JSON.stringify(limits)} (need restartInitialDelayMs > 0, restartMaxDelayMs >= it, an integer crashLoopLimit >= 1, windows > 0)`);
  }
}

/** The delay of the restart at this step of a streak: initial, doubling, capped. */
export function restartDelayMs(backoffStep: number, limits: RestartLimits = RESTART_LIMITS): number {
  return Math.min(limits.restartMaxDelayMs, limits.restartInitialDelayMs * 2 ** Math.min(backoffStep, 52));
}

/**
 * Restart after a delay, or give up: a restart is allowed only when, counted at the moment it would happen,
 * fewer than crashLoopLimit restarts fall in the crash-loop window before it. So no window ever holds more.
 */
export function decideRestart(exit: ServiceExit, state: RestartState, limits: RestartLimits = RESTART_LIMITS): RestartDecision {
  const backoffStep = exit.healthyForMs >= limits.backoffResetAfterHealthyMs ? 0 : state.backoffStep;
  const delayMs = restartDelayMs(backoffStep, limits);
  const restartAtMs = exit.atMs + delayMs;
  const inWindow = state.restartedAtMs.filter((t) => t > restartAtMs - limits.crashLoopWindowMs);
  if (inWindow.length >= limits.crashLoopLimit) {
    return { action: 'give-up', restarts: inWindow.length, withinMs: exit.atMs - (inWindow[0] ?? exit.atMs) };
  }
  return { action: 'restart', delayMs, backoffStep };
}

/** After a restart decided at `backoffStep` happened at atMs (never before the decided delay has passed). */
export function evolveRestart(state: RestartState, restarted: { atMs: number; backoffStep: number }, limits: RestartLimits = RESTART_LIMITS): RestartState {
  return {
    backoffStep: restarted.backoffStep + 1,
    // Later decisions count from later instants: older restarts can never fall in their window again.
    restartedAtMs: [...state.restartedAtMs.filter((t) => t > restarted.atMs - limits.crashLoopWindowMs), restarted.atMs],
  };
}
