import { describe, expect, it } from 'vitest';
import { ConfigError, brokerList, infraHints, infraShape, loadConfig, port, registryAuthOf, serviceInfra } from './index';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig(infraShape, {});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:19092']);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names every bad setting, what it got and what to do', () => {
    const attempt = () => loadConfig({ ...infraShape, PORT: port }, {
      KAFKA_BROKERS: 'nonsense', DATABASE_URL: 'mysql://x', PORT: '70000',
    }, infraHints);
    expect(attempt).toThrow(ConfigError);
    try { attempt(); } catch (e) {
      const message = (e as ConfigError).message;
      expect(message).toMatch(/KAFKA_BROKERS: expected a comma-separated list of host:port \(got "nonsense"\)\. Point it at a running broker/);
      expect(message).toMatch(/DATABASE_URL: .*postgres:\/\//);
      expect(message).toMatch(/PORT: .*70000/);
      expect((e as ConfigError).problems).toHaveLength(3);
    }
  });

  it('parses broker lists with several entries and rejects ports out of range', () => {
    expect(brokerList.parse('a:1, b:2')).toEqual(['a:1', 'b:2']);
    expect(brokerList.safeParse('a:99999').success).toBe(false);
    expect(brokerList.safeParse('').success).toBe(false);
  });
});

describe('the registry writer\'s credentials', () => {
  const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:15432/inplay' };

  it('are none for a service by default: it only looks schemas up', () => {
    const infra = serviceInfra({ ...loadConfig(infraShape, base), DATABASE_URL: base.DATABASE_URL });
    expect(infra.registryAuth).toBeUndefined();
  });

  it('are carried as registryAuth when SCHEMA_REGISTRY_USER and SCHEMA_REGISTRY_PASSWORD are both set', () => {
    const raw = loadConfig(infraShape, { ...base, SCHEMA_REGISTRY_USER: 'inplay-admin', SCHEMA_REGISTRY_PASSWORD: 's3cret-enough' });
    expect(serviceInfra({ ...raw, DATABASE_URL: base.DATABASE_URL }).registryAuth).toEqual({ username: 'inplay-admin', password: 's3cret-enough' });
  });

  it('refuse one without the other, naming both settings', () => {
    expect(() => registryAuthOf({ SCHEMA_REGISTRY_USER: 'inplay-admin' })).toThrow(/SCHEMA_REGISTRY_USER and SCHEMA_REGISTRY_PASSWORD go together.*only the user/);
    expect(() => registryAuthOf({ SCHEMA_REGISTRY_PASSWORD: 'x' })).toThrow(ConfigError);
  });
});
