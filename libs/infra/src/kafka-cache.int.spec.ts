// The suite's global setup has fetched the Kafka jars; a second fetch must reuse the cache,
// and the storage format takes any cluster id the start-up may draw.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDirs } from '@inplay/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ensureKafkaJars, formatStorage, KAFKA_VERSION, kafkaHome } from './kafka-local';

describe('Kafka jar cache', () => {
  it('reuses the jars fetched before instead of running mvn again', async () => {
    const { cacheDir } = localDirs();
    const marker = join(kafkaHome(cacheDir), '.complete');
    const fetchedAt = readFileSync(marker, 'utf8');
    const home = await ensureKafkaJars(cacheDir, KAFKA_VERSION);
    expect(readFileSync(marker, 'utf8')).toBe(fetchedAt);
    expect(home).toBe(kafkaHome(cacheDir));
    expect(existsSync(join(home, 'libs', `kafka_2.13-${KAFKA_VERSION}.jar`))).toBe(true);
    expect(readdirSync(join(home, 'libs')).filter((f) => f.endsWith('.jar')).length).toBeGreaterThan(30);
  });
});

describe('KRaft storage format', () => {
  it('formats with a cluster id that begins with a dash (base64url draws one in 64 starts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kraft-format-'));
    const props = join(dir, 'server.properties');
    writeFileSync(props, [
      'process.roles=broker,controller', 'node.id=1', 'controller.quorum.bootstrap.servers=127.0.0.1:1', 'controller.listener.names=CONTROLLER',
      'listeners=PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:1', `log.dirs=${join(dir, 'data')}`,
    ].join('\n'));
    const home = kafkaHome(localDirs().cacheDir);
    await formatStorage(['-cp', `${join(home, 'libs')}/*`], props, '-AbCdEfGhIjKlMnOpQrStUv');
    expect(readFileSync(join(dir, 'data', 'meta.properties'), 'utf8')).toContain('cluster.id=-AbCdEfGhIjKlMnOpQrStUv');
  }, 60_000);
});
