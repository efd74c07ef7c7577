// Vitest global setup: one real Kafka broker, Postgres and schema registry per
// test run. Reuses, in order: the infrastructure `npm test` started for the
// whole run (INPLAY_TEST_INFRA), a running `inplay up --infra-only`, or starts
// its own (local processes by default, containers with INPLAY_INFRA=containers).
import type { TestProject } from 'vitest/node';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { localDirs } from '@inplay/config';
import { readStackState, isAlive, startInfra, stackCredentials, freePort, freePortRange, CONTAINER_BROKERS, type Endpoints } from '@inplay/infra';

declare module 'vitest' {
  export interface ProvidedContext {
    infra: Endpoints;
  }
}

export const TEST_INFRA_ENV = 'INPLAY_TEST_INFRA';

export async function acquireInfra(): Promise<{ endpoints: Endpoints; release(): Promise<void>; source: string }> {
  const given = process.env[TEST_INFRA_ENV];
  if (given) return { endpoints: JSON.parse(given) as Endpoints, release: async () => undefined, source: 'npm test' };
  const { cacheDir, stateDir } = localDirs();
  const mode = process.env['INPLAY_INFRA'] === 'containers' ? 'containers' : 'local';
  const running = readStackState(stateDir);
  // A running `inplay up` is reused when it is of the kind asked for (containers only when INPLAY_INFRA=containers).
  if (running && isAlive(running.upPid) && (mode !== 'containers' || running.mode === 'containers')) {
    // Its credentials are in its state dir, not in stack.json.
    const endpoints = running.mode === 'external' ? running : { ...running, credentials: stackCredentials(stateDir) };
    return { endpoints, release: async () => undefined, source: `inplay up (pid ${running.upPid}, ${running.mode})` };
  }
  mkdirSync(join(stateDir, 'test'), { recursive: true });
  const testState = mkdtempSync(join(stateDir, 'test', 'run-'));
  const infra = await startInfra({
    mode,
    cacheDir,
    stateDir: testState,
    // The container cluster's brokers take the Kafka port and the next ones.
    ports: { kafka: mode === 'containers' ? await freePortRange(CONTAINER_BROKERS) : await freePort(), kafkaController: await freePort(), postgres: await freePort(), registry: await freePort() },
    kafkaHeapMb: 384,
    quiet: process.env['INPLAY_TEST_VERBOSE'] !== '1',
  });
  return {
    endpoints: { kafkaBrokers: infra.kafkaBrokers, databaseUrl: infra.databaseUrl, schemaRegistryUrl: infra.schemaRegistryUrl, ...(infra.credentials ? { credentials: infra.credentials } : {}), ...(infra.kafkaSecurity ? { kafkaSecurity: infra.kafkaSecurity } : {}), ...(infra.adminDatabaseUrl ? { adminDatabaseUrl: infra.adminDatabaseUrl } : {}) },
    release: async () => { await infra.stop(); rmSync(testState, { recursive: true, force: true }); },
    source: `${mode} (started for this run)`,
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { endpoints, release } = await acquireInfra();
  project.provide('infra', endpoints);
  return release;
}
