// `inplay chaos`: the scenario matrix of chaos/plan.ts against a stack of its
// own (free ports, its own state dir), each fault injected under steady load,
// then recovery and the checks. This file only reads the options; exit code 5
// when a scenario fails.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { intOption, jsonPath } from '../options';
import { loadSettings } from '../settings';

export interface ChaosCommandOptions {
  json?: string;
  scenario?: string;
  infra?: string;
  rate?: string;
  users?: string;
  wsClients?: string;
  faultS?: string;
  afterS?: string;
  speed?: string;
  keep?: boolean;
}

export async function chaosCommand(options: ChaosCommandOptions): Promise<void> {
  const { parseScenarios, DEFAULT_TIMINGS } = await import('../chaos/plan');
  const infra = options.infra ?? 'local';
  if (infra !== 'local' && infra !== 'containers') {
    throw new Error(`--infra takes local or containers, got ${JSON.stringify(options.infra)}. On Kubernetes, use deploy/chaos (Chaos Mesh).`);
  }
  const scenarios = parseScenarios(options.scenario, infra);
  const ordersPerSec = intOption('rate', options.rate, { min: 1, max: 2_000 }) ?? 20;
  const users = intOption('users', options.users, { min: 1, max: 10_000 }) ?? 20;
  const wsClients = intOption('ws-clients', options.wsClients, { min: 0, max: 1_000 }) ?? 5;
  const faultMs = (intOption('fault-s', options.faultS, { min: 1, max: 600 }) ?? DEFAULT_TIMINGS.faultMs / 1000) * 1000;
  const afterMs = (intOption('after-s', options.afterS, { min: 1, max: 600 }) ?? DEFAULT_TIMINGS.afterMs / 1000) * 1000;
  const demoSpeed = intOption('speed', options.speed, { min: 1, max: 1_000 }) ?? 10;
  const json = options.json === undefined ? undefined : jsonPath(options.json, 'chaos');
  const settings = loadSettings();
  mkdirSync(join(settings.stateDir, 'chaos'), { recursive: true });
  const stateDir = mkdtempSync(join(settings.stateDir, 'chaos', 'run-'));
  const { runChaos } = await import('../chaos/run');
  const report = await runChaos({
    infra, cacheDir: settings.cacheDir, stateDir, scenarios, ordersPerSec, users, wsClients, demoSpeed, kafkaHeapMb: settings.INPLAY_KAFKA_HEAP_MB,
    timings: { ...DEFAULT_TIMINGS, faultMs, afterMs }, ...(json ? { json } : {}), log: (line) => console.log(line),
  });
  if (report.ok && !options.keep) rmSync(stateDir, { recursive: true, force: true });
  else console.log(`the run's data and logs: ${stateDir}`);
  if (!report.ok) process.exitCode = 5;
}
