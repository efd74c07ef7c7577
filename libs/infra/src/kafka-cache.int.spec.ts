// The suite's global setup has fetched the Kafka jars; a second fetch must reuse the cache.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDirs } from '@inplay/config';
import { ensureKafkaJars, KAFKA_VERSION, kafkaHome } from './kafka-local';

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
