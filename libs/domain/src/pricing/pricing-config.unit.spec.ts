import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICING_CONFIG, PRICING_LIMITS, minTickIntervalMs, validatePricingConfig } from './pricing-config';
import { pricingDecider } from './pricing-decider';

describe('pricing config', () => {
  it('accepts the defaults', () => {
    expect(validatePricingConfig(DEFAULT_PRICING_CONFIG)).toEqual({ ok: true, config: DEFAULT_PRICING_CONFIG });
  });

  it('returns every problem as a value instead of throwing', () => {
    const result = validatePricingConfig({ ...DEFAULT_PRICING_CONFIG, floorPriceCents: 0, driftIntervalMs: -1, maxTicksPerPlayerPerSecond: 0 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(3);
      expect(result.errors.join('\n')).toMatch(/floorPriceCents.*driftIntervalMs.*maxTicksPerPlayerPerSecond/s);
    }
  });

  it('refuses a jump beyond the named limit and a table missing an event type', () => {
    const { GOAL: _goal, ...withoutGoal } = DEFAULT_PRICING_CONFIG.jumpTable;
    const tooBig = { ...DEFAULT_PRICING_CONFIG.jumpTable, RED_CARD: { subject: -(PRICING_LIMITS.maxJumpBp + 1) } };
    const missing = validatePricingConfig({ ...DEFAULT_PRICING_CONFIG, jumpTable: withoutGoal as typeof tooBig });
    const big = validatePricingConfig({ ...DEFAULT_PRICING_CONFIG, jumpTable: tooBig });
    expect(missing.ok ? [] : missing.errors).toEqual(['jumpTable has no entry for GOAL']);
    expect(big.ok ? [] : big.errors).toEqual([expect.stringContaining('jumpTable.RED_CARD.subject')]);
  });

  it('refuses a ceiling at or below the floor', () => {
    expect(validatePricingConfig({ ...DEFAULT_PRICING_CONFIG, ceilingPriceCents: 50 }).ok).toBe(false);
  });

  it('spaces drift and demand ticks by 1000 / maxTicksPerPlayerPerSecond ms', () => {
    expect(minTickIntervalMs({ ...DEFAULT_PRICING_CONFIG, maxTicksPerPlayerPerSecond: 4 })).toBe(250);
  });

  it('will not build a decider from an invalid config', () => {
    expect(() => pricingDecider({ ...DEFAULT_PRICING_CONFIG, floorPriceCents: -5 })).toThrow(/floorPriceCents/);
  });
});
