import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningEndpoints } from './endpoints';
import { loadSettings } from './settings';

describe('where the CLI finds infrastructure that runs elsewhere', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'inplay-endpoints-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
  const external = { INPLAY_STATE_DIR: stateDir, KAFKA_BROKERS: 'kafka-0.kafka:9092', DATABASE_URL: 'postgres://u:p@db:5432/inplay', SCHEMA_REGISTRY_URL: 'http://registry:8081' };

  it('takes the audit\'s admin database from ADMIN_DATABASE_URL, and has none without it', () => {
    expect(runningEndpoints(loadSettings({ ...external, ADMIN_DATABASE_URL: 'postgres://admin:p@db:5432/postgres' }))).toEqual({
      kafkaBrokers: ['kafka-0.kafka:9092'], kafkaSecurity: {}, databaseUrl: 'postgres://u:p@db:5432/inplay', schemaRegistryUrl: 'http://registry:8081', adminDatabaseUrl: 'postgres://admin:p@db:5432/postgres',
    });
    // The operator's Kafka login comes from KAFKA_SASL_* when the infrastructure is elsewhere.
    expect(runningEndpoints(loadSettings({ ...external, KAFKA_SASL_USERNAME: 'ops', KAFKA_SASL_PASSWORD: 'ops-password' })).kafkaSecurity).toEqual({ sasl: { username: 'ops', password: 'ops-password' } });
    expect(runningEndpoints(loadSettings(external))).not.toHaveProperty('adminDatabaseUrl');
    expect(() => loadSettings({ ...external, ADMIN_DATABASE_URL: 'mysql://x' })).toThrow(/ADMIN_DATABASE_URL/);
  });
});
