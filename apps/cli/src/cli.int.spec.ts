// The CLI as a user runs it: `inplay up --infra-only` brings up real
// infrastructure that `inplay status --json` reports, `inplay down` stops it,
// and bad configuration stops start-up within seconds, naming the setting.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, freePortRange, isAlive } from '@inplay/infra';
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

describe('inplay up --infra=containers', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));
  const labelled = (env: Record<string, string>): string[] => {
    const r = spawnSync('docker', ['ps', '-a', '--filter', `label=org.inplay.state-dir=${env['INPLAY_STATE_DIR']}`, '--format', '{{.Names}}'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  };

  it('brings up 3 brokers, Postgres and the registry in containers; status lists each broker; down removes them, also after up was killed', async () => {
    const env = { ...(await isolatedEnv()), INPLAY_KAFKA_PORT: String(await freePortRange(3)) };
    const start = () => {
      const up = spawn(process.execPath, [BIN, 'up', '--infra=containers', '--infra-only'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      cleanups.push(() => up.kill('SIGKILL'));
      const o = { up, output: '' };
      up.stdout.on('data', (c: Buffer) => { o.output += c.toString(); });
      up.stderr.on('data', (c: Buffer) => { o.output += c.toString(); });
      return o;
    };
    const first = start();
    cleanups.push(() => { spawnSync('docker', ['rm', '-f', ...labelled(env)]); });
    await eventually('inplay up to finish starting', () => first.output.includes('inplay is up'), 300_000, 500).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; it printed:\n${first.output.slice(-4000)}`);
    });
    // It holds the foreground, as local mode does.
    expect(first.up.exitCode).toBeNull();

    const status = await inplay(['status', '--json'], env);
    expect(status.code, status.err + status.out).toBe(0);
    const report = JSON.parse(status.out) as { components: { name: string; status: string; address: string }[] };
    const kafkaPort = Number(env['INPLAY_KAFKA_PORT']);
    expect(report.components.filter((c) => c.name.startsWith('kafka')).map((c) => ({ name: c.name, status: c.status, address: c.address }))).toEqual(
      [1, 2, 3].map((id) => ({ name: `kafka-${id}`, status: 'up', address: `127.0.0.1:${kafkaPort + id - 1}` })),
    );
    expect(report.components.find((c) => c.name === 'postgres')?.status).toBe('up');
    expect(report.components.find((c) => c.name === 'schema-registry')?.status).toBe('up');
    expect(labelled(env)).toHaveLength(5);

    // A broker's container gone: status says so.
    const broker = labelled(env).find((n) => n.startsWith('inplay-kafka-2-'))!;
    spawnSync('docker', ['kill', broker]);
    const degraded = await inplay(['status', '--json'], env);
    expect(degraded.code).toBe(3);
    expect((JSON.parse(degraded.out) as typeof report).components.find((c) => c.name === 'kafka-2')?.status).toBe('down');

    // up killed outright leaves its containers; down removes them by their label.
    first.up.kill('SIGKILL');
    await eventually('up gone', () => first.up.exitCode !== null || first.up.signalCode !== null, 10_000);
    expect(labelled(env).length).toBeGreaterThan(0);
    const down = await inplay(['down'], env);
    expect(down.out).toMatch(/stopped: .*containers/);
    expect(labelled(env)).toEqual([]);
    const after = await inplay(['status', '--json'], env);
    expect(after.code).toBe(3);
  }, 420_000);
});

describe('inplay up tells the truth', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));

  it('says up only once the demo\'s first prices reached the gateway, restarts a killed service and says so on its console and in status, and restarts nothing on Ctrl-C', async () => {
    const env: Record<string, string> = {
      ...(await isolatedEnv()),
      INPLAY_GATEWAY_PORT: String(await freePort()),
      INPLAY_FEED_PORT: String(await freePort()),
      INPLAY_METRICS_BASE_PORT: String(await freePortRange(7)),
      FEED_LAG_MS: '1000',
      FEED_LAG_JITTER_MS: '0',
    };
    // A process group of its own, as in a terminal: Ctrl-C reaches up and every process it started at once.
    const up = spawn(process.execPath, [BIN, 'up', '--speed', '100'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    cleanups.push(() => up.kill('SIGKILL'));
    let output = '';
    up.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    up.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    try {
      await eventually('inplay up to finish starting', () => output.includes('inplay is up') || output.includes('NOT flowing') || up.exitCode !== null, 240_000, 250);
      expect(output).toMatch(/Demo match: waiting for the first prices on the gateway.* first prices after \d+\.\d s/s);
      expect(output).toContain('inplay is up');
      // "up" came after the first prices, and the gateway really holds some.
      expect(output.indexOf('first prices after')).toBeLessThan(output.indexOf('inplay is up'));
      const prices = await (await fetch(`http://127.0.0.1:${env['INPLAY_GATEWAY_PORT']}/prices`)).json() as { prices: unknown[] };
      expect(prices.prices.length).toBeGreaterThan(0);

      const before = await inplay(['status', '--json'], env);
      expect(before.code, before.out).toBe(0);
      const stack = (): { services: { name: string; pid: number; healthUrl: string }[] } => JSON.parse(readFileSync(join(env['INPLAY_STATE_DIR'] as string, 'run', 'stack.json'), 'utf8'));
      const settlement = stack().services.find((s) => s.name === 'settlement');
      expect(settlement?.pid).toBeGreaterThan(0);
      const killedAt = Date.now();
      process.kill(settlement!.pid, 'SIGKILL');
      await eventually('inplay up to say settlement is back', () => output.includes('✓ settlement back after'), 90_000, 100);
      expect(output).toMatch(/↻ settlement exited \(killed by SIGKILL\); restarting in 1\.0 s \(restart 1\)\. Last lines of .*settlement\.log:\n {4}\S/);
      expect(output).toMatch(/✓ settlement back after \d+\.\d s/);
      expect(output).not.toContain('✗ settlement');
      expect(Date.now() - killedAt).toBeLessThan(90_000);
      // The same service on the same port, a new process.
      expect((await fetch(settlement!.healthUrl)).ok).toBe(true);
      const restarted = stack().services.find((s) => s.name === 'settlement')!;
      expect(restarted.pid).not.toBe(settlement!.pid);
      expect(isAlive(restarted.pid)).toBe(true);

      const after = await inplay(['status', '--json'], env);
      expect(after.code, after.out).toBe(0);
      const byName = Object.fromEntries((JSON.parse(after.out) as { components: { name: string; status: string; restarts?: { count: number; lastExit: string } }[] }).components.map((c) => [c.name, c]));
      expect(byName['settlement']).toMatchObject({ status: 'up', restarts: { count: 1, lastExit: 'killed by SIGKILL' } });
      expect(byName['pricing']).not.toHaveProperty('restarts');
      const text = await inplay(['status'], env);
      expect(text.out).toMatch(/^up\s+settlement\s.*ok; restarts 1 \(last at \S+, after: killed by SIGKILL\)$/m);

      // Ctrl-C: the services get SIGINT with up and exit; none is restarted, everything stops.
      process.kill(-up.pid!, 'SIGINT');
      await eventually('up exited', () => up.exitCode !== null || up.signalCode !== null, 90_000, 200);
      expect(up.exitCode, output).toBe(0);
      const afterCtrlC = output.slice(output.indexOf('SIGINT: stopping'));
      expect(afterCtrlC).toContain('stopped.');
      expect(afterCtrlC).not.toMatch(/↻|✗|back after/);
      expect(isAlive(restarted.pid)).toBe(false);
    } finally {
      await inplay(['down'], env, 90_000);
    }
    await eventually('up exited', () => up.exitCode !== null || up.signalCode !== null, 60_000);
    expect(leftRunning(env)).toEqual([]);
  }, 400_000);
});

describe('bad configuration stops start-up within seconds and names the setting', () => {
  it('rejects bad bench options before it measures anything, naming the option and the choices', async () => {
    const env = await isolatedEnv();
    const rates = await inplay(['bench', 'settlement', '--rates', '500,fast'], env);
    expect(rates.code).not.toBe(0);
    expect(rates.err).toMatch(/--rates takes a comma-separated list of offered orders\/s .*got "500,fast"/);
    const strategies = await inplay(['bench', 'settlement', '--strategies', 'atomic-guard,yolo'], env);
    expect(strategies.code).not.toBe(0);
    expect(strategies.err).toMatch(/--strategies takes a comma-separated list of atomic-guard, optimistic, select-for-update, naive; got "atomic-guard,yolo"/);
    const aFile = join(env['INPLAY_STATE_DIR'] as string, 'a-file');
    writeFileSync(aFile, 'not a folder');
    const unwritable = await inplay(['bench', 'pricing', '--json', `${aFile}/pricing.json`], env);
    expect(unwritable.code).not.toBe(0);
    expect(unwritable.err).toContain(`--json ${aFile}/pricing.json: cannot write reports into ${aFile}`);
    expect(unwritable.ms).toBeLessThan(BAD_CONFIG_DEADLINE_MS);
    expect(leftRunning(env)).toEqual([]);
  });

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
