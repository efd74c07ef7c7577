// A service's entry point run under tsx as its own process, its output
// appended to a log file, ready once its /health answers: how `inplay up`, the
// chaos stack and the end-to-end stacks start the services they run.
import { join } from 'node:path';
import { ManagedProcess, waitUntil } from './process';
import { REPO_ROOT } from './ts-process';

/** How long a service may take to answer /health after it starts (tsx compiles it first). */
export const SERVICE_HEALTH_TIMEOUT_MS = 60_000;
const HEALTH_PROBE_TIMEOUT_MS = 1_000;

export interface ServiceLaunch {
  name: string;
  /** Entry file relative to the repo root. */
  entry: string;
  /** Its own settings, over the environment it is started with. */
  env: Record<string, string>;
  healthUrl?: string;
}

/** A service's process (its entry through tsx), its output appended to `logFile`. */
export function spawnService(spec: ServiceLaunch, env: NodeJS.ProcessEnv, logFile: string): ManagedProcess {
  return new ManagedProcess(spec.name, process.execPath, ['--import', 'tsx', join(REPO_ROOT, spec.entry)], logFile, { env: { ...env, ...spec.env }, cwd: REPO_ROOT });
}

/** Spawns a service and waits for its /health when it has one; stops it again when it never answers. */
export async function launchService(spec: ServiceLaunch, env: NodeJS.ProcessEnv, logFile: string, timeoutMs = SERVICE_HEALTH_TIMEOUT_MS): Promise<ManagedProcess> {
  const child = spawnService(spec, env, logFile);
  if (spec.healthUrl) {
    const url = spec.healthUrl;
    await waitUntil(spec.name, async () => {
      if (!child.running) throw new Error(`${spec.name} exited:\n${child.lastLines()}`);
      return (await fetch(url, { signal: AbortSignal.timeout(HEALTH_PROBE_TIMEOUT_MS) })).ok;
    }, timeoutMs).catch(async (err: unknown) => {
      // Its own last words say why (still waiting for Kafka, a port taken, ...).
      const said = child.running ? child.lastLines() : '';
      await child.stop();
      throw said ? new Error(`${(err as Error).message}; its last lines:\n${said}`) : err;
    });
  }
  return child;
}
