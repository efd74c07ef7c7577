import { describe, expect, it } from 'vitest';
import { ConfigError } from '@inplay/config';
import { DEFAULT_PRICING_CONFIG } from '@inplay/domain';
import { DEFAULT_DELIVERY } from './delivery';
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

  it('delivers idempotently by default, runs both stages, and takes the transactional mode, the snapshot schedule and one stage from the environment', () => {
    expect(loadPricingSettings(env)).toMatchObject({ delivery: DEFAULT_DELIVERY, stages: { sequencer: true, processor: true } });
    const settings = loadPricingSettings({ ...env, PRICING_DELIVERY: 'transactional', PRICING_SNAPSHOT_INTERVAL_MS: '2000', PRICING_SNAPSHOT_EVERY_COMMANDS: '100', PRICING_STAGES: 'processor' });
    expect(settings.delivery).toEqual({ ...DEFAULT_DELIVERY, mode: 'transactional', snapshotIntervalMs: 2_000, snapshotEveryCommands: 100 });
    expect(settings.stages).toEqual({ sequencer: false, processor: true });
    expect(() => loadPricingSettings({ ...env, PRICING_DELIVERY: 'exactly-once' })).toThrow(/PRICING_DELIVERY/);
    expect(() => loadPricingSettings({ ...env, PRICING_SNAPSHOT_INTERVAL_MS: '600000' })).toThrow(/PRICING_SNAPSHOT_INTERVAL_MS/);
  });
});
