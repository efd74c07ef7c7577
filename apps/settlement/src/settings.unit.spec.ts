import { describe, expect, it } from 'vitest';
import { ConfigError } from '@inplay/config';
import { loadSettlementSettings } from './settings';

const env = { KAFKA_BROKERS: '127.0.0.1:19092', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081', DATABASE_URL: 'postgres://u:p@127.0.0.1:15432/inplay', ORDER_SIGNING_KEY: 'k'.repeat(32) };

describe('settlement settings', () => {
  it('refuses to start without an ORDER_SIGNING_KEY of at least 32 bytes', () => {
    const { ORDER_SIGNING_KEY: _key, ...unsigned } = env;
    expect(() => loadSettlementSettings(unsigned)).toThrow(/ORDER_SIGNING_KEY/);
    expect(() => loadSettlementSettings({ ...env, ORDER_SIGNING_KEY: 'short' })).toThrow(/ORDER_SIGNING_KEY: must be at least 32 bytes/);
  });

  it('defaults to event-time void everywhere, and keeps the trade lock selectable', () => {
    expect(loadSettlementSettings(env).fairness).toEqual({ default: { policy: 'event-time-void', voidHorizonMs: 45_000 }, byMatch: {} });
    expect(loadSettlementSettings({ ...env, FAIRNESS_POLICY: 'trade-lock' }).fairness).toEqual({ default: { policy: 'trade-lock' }, byMatch: {} });
  });

  it('takes a policy per deployment and per match', () => {
    const settings = loadSettlementSettings({ ...env, FAIRNESS_POLICY: 'sealed-batch', FAIRNESS_POLICY_BY_MATCH: '{"m9":{"policy":"delayed","delayMs":40000}}' });
    expect(settings.fairness).toEqual({
      default: { policy: 'sealed-batch', batchWindowMs: 10_000 },
      byMatch: { m9: { policy: 'delayed', delayMs: 40_000, onEvent: 'void' } },
    });
  });

  it('refuses a bad policy at start-up, naming the setting and the choices', () => {
    expect(() => loadSettlementSettings({ ...env, FAIRNESS_POLICY: 'first-come' })).toThrow(ConfigError);
    expect(() => loadSettlementSettings({ ...env, FAIRNESS_POLICY_BY_MATCH: '{"m9":{"policy":"sealed-batch","batchWindowMs":0}}' }))
      .toThrow(/FAIRNESS_POLICY_BY_MATCH\.m9: batchWindowMs must be an integer number of ms in 1\.\.3600000, got 0/);
    expect(() => loadSettlementSettings({ ...env, FAIRNESS_POLICY: 'first-come' })).toThrow(/one of none, trade-lock, delayed, sealed-batch, event-time-void/);
  });
});
