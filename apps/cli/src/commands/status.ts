// `inplay status [--json]`: probes each component for real (not just the
// state file) and reports up/down, address and version.
import { readStackState, probeRegistry, LOCAL_PG_USER, LOCAL_PG_PASSWORD, LOCAL_PG_DATABASE } from '@inplay/infra';
import { probeKafka } from '@inplay/kafka';
import { probePostgres, redact } from '@inplay/db';
import { loadSettings } from '../settings';

export interface ComponentStatus {
  name: string;
  status: 'up' | 'down';
  address: string;
  version: string | null;
  error?: string;
}

export async function collectStatus(): Promise<{ running: boolean; upPid: number | null; components: ComponentStatus[] }> {
  const settings = loadSettings();
  const state = readStackState(settings.stateDir);
  // Without a running `inplay up`, look where one would be: the configured addresses and ports.
  const brokers = state?.kafkaBrokers ?? settings.KAFKA_BROKERS ?? [`127.0.0.1:${settings.INPLAY_KAFKA_PORT}`];
  const databaseUrl = state?.databaseUrl ?? settings.DATABASE_URL ?? `postgres://${LOCAL_PG_USER}:${LOCAL_PG_PASSWORD}@127.0.0.1:${settings.INPLAY_POSTGRES_PORT}/${LOCAL_PG_DATABASE}`;
  const registryUrl = state?.schemaRegistryUrl ?? settings.SCHEMA_REGISTRY_URL ?? `http://127.0.0.1:${settings.INPLAY_REGISTRY_PORT}`;
  const known = (name: string): string | undefined => state?.components.find((c) => c.name === name)?.version;

  const probe = async (name: string, address: string, check: () => Promise<string>): Promise<ComponentStatus> => {
    try {
      return { name, status: 'up', address, version: await check() };
    } catch (err) {
      return { name, status: 'down', address, version: null, error: (err as Error).message };
    }
  };
  const components = await Promise.all([
    probe('kafka', brokers.join(','), async () => { await probeKafka(brokers, 3_000); return known('kafka') ?? 'unknown'; }),
    probe('postgres', redact(databaseUrl), () => probePostgres(databaseUrl)),
    probe('schema-registry', registryUrl, () => probeRegistry(registryUrl)),
    ...(state?.services ?? []).map((s) => probe(s.name, s.address, async () => {
      if (!s.healthUrl) return 'unknown';
      const res = await fetch(s.healthUrl, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) throw new Error(`health answered ${res.status}`);
      return 'ok';
    })),
  ]);
  return { running: Boolean(state), upPid: state?.upPid ?? null, components };
}

export async function status(options: { json?: boolean }): Promise<void> {
  const report = await collectStatus();
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    for (const c of report.components) {
      console.log(`${c.status === 'up' ? 'up  ' : 'down'}  ${c.name.padEnd(16)} ${c.address.padEnd(40)} ${c.version ?? c.error ?? ''}`);
    }
  }
  if (report.components.some((c) => c.status === 'down')) process.exitCode = 3;
}
