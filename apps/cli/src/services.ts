// The services `inplay up` starts after the infrastructure, each as its own
// Node process. Services register here as they are built.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedProcess, waitUntil, type RunningInfra } from '@inplay/infra';
import type { CliSettings } from './settings';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface RunningService {
  info: { name: string; pid?: number; address: string; healthUrl?: string };
  stop(): Promise<void>;
}

export interface ServiceSpec {
  name: string;
  /** Entry file relative to the repo root. */
  entry: string;
  env: Record<string, string>;
  address: string;
  healthUrl?: string;
}

/** Specs of the services that exist so far, in start order. */
export function serviceSpecs(_infra: RunningInfra, _settings: CliSettings): ServiceSpec[] {
  return [];
}

export async function startServices(infra: RunningInfra, settings: CliSettings): Promise<RunningService[]> {
  const started: RunningService[] = [];
  const baseEnv = {
    ...process.env,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    DATABASE_URL: infra.databaseUrl,
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
  };
  try {
    for (const spec of serviceSpecs(infra, settings)) {
      const child = new ManagedProcess(spec.name, process.execPath, ['--import', 'tsx', join(REPO_ROOT, spec.entry)],
        join(settings.stateDir, 'logs', `${spec.name}.log`), { env: { ...baseEnv, ...spec.env }, cwd: REPO_ROOT });
      started.push({ info: { name: spec.name, address: spec.address, ...(child.pid ? { pid: child.pid } : {}), ...(spec.healthUrl ? { healthUrl: spec.healthUrl } : {}) }, stop: () => child.stop() });
      if (spec.healthUrl) {
        const url = spec.healthUrl;
        await waitUntil(spec.name, async () => {
          if (!child.running) throw new Error(`${spec.name} exited:\n${child.lastLines()}`);
          return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
        }, 60_000);
      }
    }
    return started;
  } catch (err) {
    for (const s of started.reverse()) await s.stop();
    throw err;
  }
}
