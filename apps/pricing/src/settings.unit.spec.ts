import { describe, expect, it } from 'vitest';
import { ConfigError } from '@inplay/config';
import { DEFAULT_PRICING_CONFIG } from '@inplay/domain';
import { loadPricingSettings, PricingConfigError } from './settings';

const env = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' };

describe('pricing settings', () => {
  it('defaults to the domain model config and takes drift, lock and seed from the environment', () => {
    const settings = loadPricingSettings({ ...env, PRICING_DRIFT_INTERVAL_MS: '500', PRICING_LOCK_WINDOW_MS: '30000', PRICING_SEED: '7' });
    expect(settings.pricing).toEqual({ ...DEFAULT_PRICING_CONFIG, driftIntervalMs: 500, lockWindowMs: 30_000, rngSeed: 7 });
  });

  it('replaces the jump table entries of the event types given as JSON', () => {
    const settings = loadPricingSettings({ ...env, PRICING_JUMP_TABLE: '{"GOAL":{"subject":2000,"keeper":-800}}' });
    expect(settings.pricing.jumpTable.GOAL).toEqual({ subject: 2000, keeper: -800 });
    expect(settings.pricing.jumpTable.SAVE).toEqual(DEFAULT_PRICING_CONFIG.jumpTable.SAVE);
  });

  it('refuses a jump table outside the model limits, an unknown event type and a missing database, naming each', () => {
    expect(() => loadPricingSettings({ ...env, PRICING_JUMP_TABLE: '{"GOAL":{"subject":90000},"GOLAZO":{"subject":1}}' }))
      .toThrow(PricingConfigError);
    try {
      loadPricingSettings({ ...env, PRICING_JUMP_TABLE: '{"GOAL":{"subject":90000},"GOLAZO":{"subject":1}}' });
    } catch (err) {
      expect((err as PricingConfigError).problems).toEqual([
        'PRICING_JUMP_TABLE: unknown event type GOLAZO',
        'jumpTable.GOAL.subject must be in ±5000 bp, got 90000',
      ]);
    }
    expect(() => loadPricingSettings({})).toThrow(ConfigError);
    expect(() => loadPricingSettings({ ...env, PRICING_JUMP_TABLE: '{not json' })).toThrow(/PRICING_JUMP_TABLE/);
  });
});
