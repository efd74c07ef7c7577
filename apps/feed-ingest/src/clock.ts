// The replay's only notion of time, injected so tests (and `--as-fast-as-possible`
// runs) can jump instead of waiting.

export interface Clock {
  now(): number;
  /** Resolves when now() >= atMs, or early when the signal aborts. */
  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil(atMs, signal) {
    const waitMs = atMs - Date.now();
    if (waitMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/** A clock that jumps to whatever time is waited for: a whole match replays at once, times as scheduled. */
export function jumpingClock(startMs: number): Clock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    async sleepUntil(atMs) {
      nowMs = Math.max(nowMs, atMs);
    },
  };
}
