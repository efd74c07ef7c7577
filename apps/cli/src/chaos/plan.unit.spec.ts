import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenarios, quantile, recoveryMs, windowStats, SCENARIO_NAMES } from './plan';
import { tickGaps } from './checks';

describe('chaos plan', () => {
  it('takes every scenario by default, a chosen list, and refuses an unknown name with the list', () => {
    expect(parseScenarios(undefined)).toEqual(SCENARIO_NAMES.filter((n) => n !== 'broker-kill'));
    expect(parseScenarios(undefined, 'containers')).toContain('broker-kill');
    expect(parseScenarios(undefined, 'containers')).not.toContain('kafka-latency');
    expect(() => parseScenarios('broker-kill')).toThrow(/--scenario broker-kill: not with --infra=local/);
    expect(parseScenarios('kill-settlement, postgres-restart')).toEqual(['kill-settlement', 'postgres-restart']);
    expect(() => parseScenarios('kill-settlement,unplug-the-moon')).toThrow(/--scenario takes a comma-separated list of kill-settlement, .*got "kill-settlement,unplug-the-moon"/);
    expect(() => parseScenarios(',')).toThrow(/--scenario/);
  });

  it('quantile is one of the values, at least as large as the given share of them', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (values, q) => {
      const v = quantile(values, q)!;
      expect(values).toContain(v);
      expect(values.filter((x) => x <= v).length / values.length).toBeGreaterThanOrEqual(q - 1e-9);
    }));
    expect(quantile([], 0.99)).toBeNull();
    expect(quantile([5, 1, 9, 3], 0.5)).toBe(3);
  });

  it('counts accepted orders per second and p99 of settled ones inside the window only', () => {
    const o = (startedAt: number, ms: number, accepted = true, settled = true) => ({ startedAt, endedAt: startedAt + ms, accepted, settled });
    const outcomes = [o(0, 50), o(500, 70), o(999, 10_000, true, false), o(1_000, 20), o(1_500, 30, false, false)];
    expect(windowStats(outcomes, 0, 1_000)).toEqual({ acceptedPerSec: 3, notAccepted: 0, p99Ms: 70 });
    expect(windowStats(outcomes, 1_000, 2_000)).toEqual({ acceptedPerSec: 1, notAccepted: 1, p99Ms: 20 });
    expect(windowStats(outcomes, 5_000, 6_000)).toEqual({ acceptedPerSec: 0, notAccepted: 0, p99Ms: null });
  });

  it('recovery ends with the first result of an order placed after the fault', () => {
    const o = (startedAt: number, endedAt: number, settled = true) => ({ startedAt, endedAt, accepted: true, settled });
    expect(recoveryMs([o(900, 5_000), o(1_000, 4_000), o(1_200, 2_500), o(1_300, 1_900, false)], 1_000)).toBe(1_500);
    expect(recoveryMs([o(900, 5_000)], 1_000)).toBeNull();
  });

  it('finds gaps in tick seqs per player, not duplicates', () => {
    const t = (playerId: string, seq: number) => ({ playerId, seq });
    expect(tickGaps([t('a', 1), t('a', 2), t('a', 2), t('a', 3), t('b', 1)]).gaps).toEqual([]);
    expect(tickGaps([t('a', 1), t('a', 3), t('b', 2)]).gaps).toEqual(['a: 1 → 3', 'b: starts at 2']);
  });
});

describe('chaos chart', () => {
  it('draws a row per scenario with its verdict, and says when one did not recover', async () => {
    const { chaosChartSvg } = await import('./chart');
    const svg = chaosChartSvg([
      { name: 'kill-settlement', ok: true, before: 20, during: 15.5, after: 20, recoveryMs: 700 },
      { name: 'postgres-partition', ok: false, before: 20, during: 0, after: 3, recoveryMs: null },
    ], 'chaos <test>');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('✓ kill-settlement');
    expect(svg).toContain('✗ postgres-partition');
    expect(svg).toContain('did not recover');
    expect(svg).toContain('chaos &lt;test>');
    expect(svg.match(/<rect /g)!.length).toBeGreaterThanOrEqual(1 + 6 + 1 + 3);
  });
});
