// `inplay status [--json]`: probes each component for real (not just the
// state file) and reports up/down, address and version; for a service also
// its restarts, and a crash loop that left it down.
import { kafkaSecurityOf } from '@inplay/config';
import { readStackState, probeRegistry, LOCAL_PG_USER, LOCAL_PG_PASSWORD, LOCAL_PG_DATABASE, type ServiceState } from '@inplay/infra';
import { probeKafka } from '@inplay/kafka';
import { probePostgres, redact } from '@inplay/db';
import { loadSettings } from '../settings';
import { probeHealth } from '../supervisor';

export interface ComponentStatus {
  name: string;
  /** failed: running, but its health says a step of it failed (the demo replay, say). */
  status: 'up' | 'down' | 'failed';
  address: string;
  version: string | null;
  error?: string;
  /** A service restarted by `inplay up`: how many times, the last one, how the process before it ended. */
  restarts?: ServiceState['restarts'];
  /** A service left down after restarting it `restarts` times within `withinMs`. */
  crashLoop?: ServiceState['crashLoop'];
}

/** A service from the stack state and what its /health answered just now. */
export function serviceStatus(s: ServiceState, health: Awaited<ReturnType<typeof probeHealth>> | null): ComponentStatus {
  const history = { ...(s.restarts ? { restarts: s.restarts } : {}), ...(s.crashLoop ? { crashLoop: s.crashLoop } : {}) };
  if (!health) return { name: s.name, status: 'up', address: s.address, version: 'unknown', ...history };
  if (health.state === 'ok') return { name: s.name, status: 'up', address: s.address, version: 'ok', ...history };
  const log = s.logFile ? `; log: ${s.logFile}` : '';
  if (health.state === 'failed') return { name: s.name, status: 'failed', address: s.address, version: null, error: `${health.reason}${log}`, ...history };
  const exited = s.exited ? `exited (${s.exited.how}) at ${s.exited.at}` : health.reason;
  const loop = s.crashLoop ? `${crashLoopWords(s.crashLoop)}, not restarted again; last ` : '';
  return { name: s.name, status: 'down', address: s.address, version: null, error: `${loop}${exited}${log}`, ...history };
}

const crashLoopWords = (loop: NonNullable<ServiceState['crashLoop']>): string => `crash loop: ${loop.restarts} restarts in ${Math.round(loop.withinMs / 1000)} s`;

/** One line of the text report: status, name, address, then version or what is wrong, and restarts. */
export function statusLine(c: ComponentStatus): string {
  const state = c.crashLoop && c.status === 'down' ? `down (${crashLoopWords(c.crashLoop)})` : c.status;
  const restarts = c.restarts ? `restarts ${c.restarts.count} (last at ${c.restarts.lastAt}, after: ${c.restarts.lastExit})` : null;
  const detail = [c.version ?? c.error, restarts].filter(Boolean).join('; ');
  return `${state.padEnd(6)}  ${c.name.padEnd(16)} ${c.address.padEnd(40)} ${detail}`;
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
  // A cluster in containers: each broker on its own (reached through its own address only).
  const kafkaSecurity = state?.kafkaSecurity ?? kafkaSecurityOf(settings);
  const clusterBrokers = state?.components.filter((c) => /^kafka-\d+$/.test(c.name)) ?? [];
  const kafkaProbes = clusterBrokers.length > 0
    ? clusterBrokers.map((b) => probe(b.name, b.address, async () => { await probeKafka([b.address], 3_000, kafkaSecurity); return b.version; }))
    : [probe('kafka', brokers.join(','), async () => { await probeKafka(brokers, 3_000, kafkaSecurity); return known('kafka') ?? 'unknown'; })];
  const components = await Promise.all([
    ...kafkaProbes,
    probe('postgres', redact(databaseUrl), () => probePostgres(databaseUrl)),
    probe('schema-registry', registryUrl, () => probeRegistry(registryUrl)),
    ...(state?.services ?? []).map(async (s) => serviceStatus(s, s.healthUrl ? await probeHealth(s.healthUrl, 2_000) : null)),
  ]);
  return { running: Boolean(state), upPid: state?.upPid ?? null, components };
}

export async function status(options: { json?: boolean }): Promise<void> {
  const report = await collectStatus();
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    for (const c of report.components) console.log(statusLine(c));
  }
  if (report.components.some((c) => c.status !== 'up')) process.exitCode = 3;
}
