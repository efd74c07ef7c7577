// Ctrl-C (or SIGTERM) in the middle of a bench: its own topics, databases and
// child processes are removed before it exits, instead of staying on the
// broker (thousands of leftover partitions once made Kafka take minutes to
// start). A second Ctrl-C leaves them and exits at once.

/** How long the clean-up after an interrupt may take before the bench exits anyway. */
export const INTERRUPT_CLEANUP_TIMEOUT_MS = 30_000;
/** Exit codes after a signal (128 + its number), as a shell reports them. */
const EXIT_CODE = { SIGINT: 130, SIGTERM: 143 } as const;

type Cleanup = () => Promise<unknown>;
const pending = new Set<Cleanup>();
let installed = false;

/**
 * Runs `cleanup` if the process is interrupted before the returned function is
 * called (call it once the bench has cleaned up by itself). What it does then
 * is said on stderr.
 */
export function cleanUpOnInterrupt(cleanup: Cleanup): () => void {
  if (!installed) install((line) => console.error(line));
  pending.add(cleanup);
  return () => { pending.delete(cleanup); };
}

/** Runs clean-ups one after another, each failure logged and the rest still run. */
export async function runCleanups(cleanups: readonly Cleanup[], log: (line: string) => void): Promise<void> {
  for (const cleanup of cleanups) await cleanup().catch((err: unknown) => log(`cleanup failed: ${(err as Error).message}`));
}

function install(log: (line: string) => void): void {
  installed = true;
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) {
        log(`${signal} again: leaving the rest behind`);
        process.exit(EXIT_CODE[signal]);
      }
      interrupted = true;
      const cleanups = [...pending];
      pending.clear();
      log(`${signal}: removing what this bench created (${cleanups.length} to clean up, at most ${INTERRUPT_CLEANUP_TIMEOUT_MS / 1_000} s; ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again leaves it)...`);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, INTERRUPT_CLEANUP_TIMEOUT_MS).unref());
      void Promise.race([Promise.allSettled(cleanups.map((c) => c())), timeout]).then(() => process.exit(EXIT_CODE[signal]));
    });
  }
}
