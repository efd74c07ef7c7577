// docker-compose.kafka.yml for real: the 3-broker cluster, Postgres, the
// registry and the bootstrap come up from the images of deploy/docker, the
// brokers take SASL/SCRAM logins only (bootstrap as admin writes the ACLs), the
// topics get 3 replicas and 2 in sync, and the services profile's gateway
// answers /health and serves the page. Host ports are chosen free (the file's
// variables), the project name is unique, and `down -v` removes everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { localDirs } from '@inplay/config';
import { createPool } from '@inplay/db';
import { createKafka, probeKafka } from '@inplay/kafka';
import { TOPICS } from '@inplay/contracts';
import { buildImages, ensureDebianPackages, ensureDockerEngine } from './images';
import { waitUntil } from './process';
import { freePort, freePortRange } from './ports';
import { REPO_ROOT } from './ts-process';

const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.kafka.yml');
const PROJECT = `inplay-spec-${randomBytes(3).toString('hex')}`;
const UP_TIMEOUT_MS = 240_000;
/** The compose file's default admin login (KAFKA_ADMIN_PASSWORD unset): the brokers take SASL/SCRAM only. */
const ADMIN_LOGIN = { sasl: { username: 'admin', password: 'compose-demo-kafka-admin' } };
let env: Record<string, string>;
let brokers: string[];

function compose(args: string[], timeoutMs = UP_TIMEOUT_MS): string {
  const r = spawnSync('docker-compose', ['-p', PROJECT, '-f', COMPOSE_FILE, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`docker-compose ${args.join(' ')} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** The state of a compose service's container: running, exited (with its code), or not there yet. */
function containerState(service: string): { status: string; exitCode: number; health?: string } | null {
  const id = compose(['ps', '-a', '-q', service], 30_000).trim();
  if (!id) return null;
  const state = JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .State}}', id], { encoding: 'utf8' })) as { Status: string; ExitCode: number; Health?: { Status: string } };
  return { status: state.Status, exitCode: state.ExitCode, ...(state.Health ? { health: state.Health.Status } : {}) };
}

beforeAll(async () => {
  const { cacheDir, stateDir } = localDirs();
  const logDir = join(stateDir, 'logs');
  await ensureDockerEngine(logDir);
  await ensureDebianPackages([{ command: 'docker-compose', pkg: 'docker-compose' }], 'docker-compose.kafka.yml', logDir);
  await buildImages({ cacheDir, logDir }); // unchanged images are kept
  const kafka = await freePortRange(3);
  brokers = [0, 1, 2].map((i) => `127.0.0.1:${kafka + i}`);
  env = {
    KAFKA_1_PORT: String(kafka), KAFKA_2_PORT: String(kafka + 1), KAFKA_3_PORT: String(kafka + 2),
    POSTGRES_PORT: String(await freePort()), REGISTRY_PORT: String(await freePort()),
    GATEWAY_PORT: String(await freePort()), GATEWAY_INTERNAL_PORT: String(await freePort()), FEED_PORT: String(await freePort()),
  };
  compose(['up', '-d']);
  await waitUntil('the bootstrap to finish', async () => {
    const s = containerState('bootstrap');
    if (s?.status === 'exited' && s.exitCode !== 0) throw new Error(`bootstrap exited ${s.exitCode}: ${compose(['logs', '--tail', '30', 'bootstrap'], 30_000)}`);
    return s?.status === 'exited';
  }, UP_TIMEOUT_MS, 1_000);
}, UP_TIMEOUT_MS + 300_000);

afterAll(() => {
  if (env) compose(['--profile', 'services', 'down', '-v', '--remove-orphans'], 120_000);
}, 150_000);

describe('docker-compose.kafka.yml', () => {
  it('runs three brokers, and the bootstrap gives every topic 3 replicas with min.insync.replicas 2', async () => {
    expect(containerState('bootstrap')).toMatchObject({ status: 'exited', exitCode: 0 });
    const admin = createKafka({ brokers, clientId: 'compose-spec', ...ADMIN_LOGIN }).admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      const names = TOPICS.map((t) => t.name);
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      for (const t of metadata.topics) expect(t.partitions.map((p) => p.replicas.length), t.name).toEqual(t.partitions.map(() => 3));
      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: names.map((name) => ({ type: 2, name, configNames: ['min.insync.replicas'] })) });
      for (const r of configs.resources) expect(r.configEntries[0]?.configValue, r.resourceName).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses a client without a login, and lets a service principal only do what its ACLs say', async () => {
    await expect(probeKafka(brokers, 3_000)).rejects.toThrow(/cannot reach Kafka/);
    await expect(probeKafka(brokers, 3_000, { sasl: { username: 'admin', password: 'not-the-password' } })).rejects.toThrow(/authentication failed/i);
    // The gateway writes orders; trades are settlement's.
    const gateway = createKafka({ brokers, clientId: 'compose-spec', sasl: { username: 'gateway', password: 'compose-demo-kafka-gateway' }, retries: 0 }).producer();
    await gateway.connect();
    try {
      await expect(gateway.send({ topic: 'trades', messages: [{ key: 'k', value: 'forged' }] })).rejects.toThrow(/authoriz/i);
    } finally {
      await gateway.disconnect();
    }
  });

  it('has the migrations applied and the schemas registered', async () => {
    const client = createPool(`postgres://inplay:inplay@127.0.0.1:${env['POSTGRES_PORT']}/inplay`, { max: 1 });
    try {
      const { rows } = await client.query<{ n: string }>("select count(*) as n from information_schema.tables where table_name in ('orders', 'ledger_entries', 'users')");
      expect(Number(rows[0]!.n)).toBe(3);
      const fans = await client.query("select user_id from users where user_id like 'fan-%'");
      expect(fans.rowCount).toBe(5);
    } finally {
      await client.end();
    }
    const subjects = (await (await fetch(`http://127.0.0.1:${env['REGISTRY_PORT']}/subjects`)).json()) as string[];
    expect(subjects).toContain('orders-value');
  });

  it('starts a service of the services profile (the gateway) that answers /health and serves the page', async () => {
    compose(['--profile', 'services', 'up', '-d', 'gateway']);
    await waitUntil('the gateway container to be healthy', async () => containerState('gateway')?.health === 'healthy', 120_000, 1_000);
    const health = await fetch(`http://127.0.0.1:${env['GATEWAY_PORT']}/health`);
    expect(health.status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${env['GATEWAY_PORT']}/`)).text()).toContain('<html');
    // /metrics only on the internal port.
    expect((await fetch(`http://127.0.0.1:${env['GATEWAY_PORT']}/metrics`)).status).toBe(404);
    expect(await (await fetch(`http://127.0.0.1:${env['GATEWAY_INTERNAL_PORT']}/metrics`)).text()).toContain('# TYPE');
  }, 180_000);
});
