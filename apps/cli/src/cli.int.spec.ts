// The CLI as a user runs it: `inplay up --infra-only` brings up real
// infrastructure that `inplay status --json` reports, `inplay down` stops it,
// and bad configuration stops start-up within seconds, naming the setting.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@inplay/infra';
import { eventually } from '@inplay/testing';

const BIN = fileURLToPath(new URL('../bin/inplay.mjs', import.meta.url));
const BAD_CONFIG_DEADLINE_MS = 15_000;
const stateRoot = '/var/lib/inplay/test';

async function isolatedEnv(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(stateRoot, 'cli-'));
  return {
    INPLAY_STATE_DIR: dir,
    INPLAY_KAFKA_PORT: String(await freePort()),
    INPLAY_KAFKA_CONTROLLER_PORT: String(await freePort()),
    INPLAY_POSTGRES_PORT: String(await freePort()),
    INPLAY_REGISTRY_PORT: String(await freePort()),
    INPLAY_KAFKA_HEAP_MB: '256',
  };
}

/** Runs the CLI without blocking the event loop (so the `up` child we spawned gets reaped when it exits). */
function inplay(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: timeoutMs });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('close', (code) => resolve({ code, out, err, ms: Date.now() - started }));
  });
}

/** What this run left behind: pid files or stack state (empty when nothing runs). */
function leftRunning(env: Record<string, string>): string[] {
  const run = join(env['INPLAY_STATE_DIR'] as string, 'run');
  return existsSync(run) ? readdirSync(run) : [];
}

describe('inplay up / status / down', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));

  it('brings up Kafka, Postgres and the registry, reports them up with addresses, and stops them', async () => {
    const env = await isolatedEnv();
    const up = spawn(process.execPath, [BIN, 'up', '--infra-only'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => up.kill('SIGKILL'));
    let output = '';
    up.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    up.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    await eventually('inplay up to finish starting', () => output.includes('inplay is up'), 150_000, 200);

    const status = await inplay(['status', '--json'], env);
    expect(status.code, status.err).toBe(0);
    const report = JSON.parse(status.out) as { components: { name: string; status: string; address: string; version: string }[] };
    const byName = Object.fromEntries(report.components.map((c) => [c.name, c]));
    expect(byName['kafka']).toMatchObject({ status: 'up', address: `127.0.0.1:${env['INPLAY_KAFKA_PORT']}`, version: '4.4.0' });
    expect(byName['postgres']?.status).toBe('up');
    expect(byName['postgres']?.address).toContain(`:${env['INPLAY_POSTGRES_PORT']}`);
    expect(byName['schema-registry']).toMatchObject({ status: 'up', address: `http://127.0.0.1:${env['INPLAY_REGISTRY_PORT']}` });

    const down = await inplay(['down'], env);
    expect(down.out).toMatch(/stopped: inplay up/);
    await eventually('up exited', () => up.exitCode !== null, 30_000);
    expect(up.exitCode).toBe(0);
    expect(leftRunning(env)).toEqual([]);
    const after = await inplay(['status', '--json'], env);
    expect(after.code).toBe(3);
    expect(JSON.parse(after.out).components.filter((c: { status: string }) => c.status !== "down")).toEqual([]);
  }, 200_000);
});

describe('bad configuration stops start-up within seconds and names the setting', () => {
  it('rejects a malformed port with the setting, the value and a hint', async () => {
    const env = { ...(await isolatedEnv()), INPLAY_KAFKA_PORT: 'ninety' };
    const res = await inplay(['up', '--infra-only'], env);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/INPLAY_KAFKA_PORT: .*\(got "ninety"\)\. A free TCP port/);
    expect(res.ms).toBeLessThan(BAD_CONFIG_DEADLINE_MS);
    expect(leftRunning(env)).toEqual([]);
  });

  it('refuses a port in use before starting anything', async () => {
    const env = await isolatedEnv();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(Number(env['INPLAY_REGISTRY_PORT']), '127.0.0.1', () => r()));
    try {
      const res = await inplay(['up', '--infra-only'], env);
      expect(res.code).toBe(1);
      expect(res.err).toMatch(new RegExp(`INPLAY_REGISTRY_PORT: port ${env['INPLAY_REGISTRY_PORT']} on 127.0.0.1 is already in use`));
      expect(res.ms).toBeLessThan(BAD_CONFIG_DEADLINE_MS);
      expect(leftRunning(env)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('says when DATABASE_URL points at nothing, and leaves nothing running', async () => {
    const env = { ...(await isolatedEnv()), DATABASE_URL: `postgres://inplay:inplay@127.0.0.1:${await freePort()}/inplay` };
    const res = await inplay(['up', '--infra-only'], env);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/DATABASE_URL: cannot reach Postgres at .*ECONNREFUSED.*unset DATABASE_URL/s);
    expect(res.ms).toBeLessThan(BAD_CONFIG_DEADLINE_MS);
    expect(leftRunning(env)).toEqual([]);
  });

  it('rejects a malformed DATABASE_URL before trying to connect', async () => {
    const env = { ...(await isolatedEnv()), DATABASE_URL: 'mysql://root@db/inplay' };
    const res = await inplay(['up', '--infra-only'], env);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/DATABASE_URL: expected postgres:\/\/user:password@host:port\/database/);
  });

  it('says when the external broker is unreachable', async () => {
    const env = {
      ...(await isolatedEnv()),
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
      DATABASE_URL: inject('infra').databaseUrl,
      SCHEMA_REGISTRY_URL: inject('infra').schemaRegistryUrl,
    };
    const res = await inplay(['up', '--infra=external'], env);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/KAFKA_BROKERS: cannot reach Kafka at 127\.0\.0\.1:\d+/);
    expect(res.ms).toBeLessThan(BAD_CONFIG_DEADLINE_MS);
  });
});
