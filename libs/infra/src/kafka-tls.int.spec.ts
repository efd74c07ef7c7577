// The local broker with TLS on its client listener (INPLAY_KAFKA_TLS=true):
// SASL/SCRAM over TLS under the development CA works; the same login over
// plaintext, or TLS under another CA, does not get in. And a log dir formatted
// with other SCRAM users is refused at start with what to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { localDirs } from '@inplay/config';
import { createKafka, type KafkaSecurity } from '@inplay/kafka';
import { ensureKafkaJars, KAFKA_VERSION, startLocalKafka, type LocalKafka } from './kafka-local';
import { freePort } from './ports';
import { devBrokerTls, type DevTls } from './tls';

const USERS = { admin: 'tls-admin-password-0123456789', gateway: 'tls-gateway-password-012345' };
let dir: string;
let home: string;
let tls: DevTls;
let broker: LocalKafka | undefined;

/** Lists topics as `security` once, without kafkajs' backoff: what a client gets from this broker. */
async function listTopics(security: KafkaSecurity): Promise<string[]> {
  const admin = createKafka({ brokers: broker!.brokers, ...security, clientId: 'tls-spec', retries: 0 }).admin();
  try {
    await admin.connect();
    return await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

beforeAll(async () => {
  const { cacheDir, stateDir } = localDirs();
  home = await ensureKafkaJars(cacheDir, KAFKA_VERSION);
  dir = mkdtempSync(join(stateDir, 'test', 'kafka-tls-'));
  tls = devBrokerTls(join(dir, 'tls'));
  broker = await startLocalKafka({
    home, version: KAFKA_VERSION, dataDir: join(dir, 'kafka'), port: await freePort(), controllerPort: await freePort(), heapMb: 256, users: USERS, tls,
  });
}, 120_000);

afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the local broker with TLS', () => {
  it('takes SASL/SCRAM over TLS under the development CA', async () => {
    const admin = createKafka({ brokers: broker!.brokers, sasl: { username: 'admin', password: USERS.admin }, tls: { caPem: tls.caPem }, clientId: 'tls-spec' }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'tls-check', numPartitions: 1 }] });
    await admin.disconnect();
    expect(await listTopics({ sasl: { username: 'admin', password: USERS.admin }, tls: { caPem: tls.caPem } })).toContain('tls-check');
  });

  it('refuses the same login over plaintext, and a client that trusts another CA', async () => {
    await expect(listTopics({ sasl: { username: 'admin', password: USERS.admin } })).rejects.toThrow();
    const stranger = devBrokerTls(join(dir, 'other-ca'));
    await expect(listTopics({ sasl: { username: 'admin', password: USERS.admin }, tls: { caPem: stranger.caPem } })).rejects.toThrow(/certificate|self.signed|verify/i);
  });

  it('refuses at start a log dir formatted with other credentials, naming what to do', async () => {
    await expect(startLocalKafka({
      home, version: KAFKA_VERSION, dataDir: join(dir, 'kafka'), port: await freePort(), controllerPort: await freePort(), heapMb: 256,
      users: { ...USERS, gateway: 'another-password-0123456789' }, tls,
    })).rejects.toThrow(/formatted with other credentials \(gateway would be refused\)[\s\S]*remove/);
  });
});
