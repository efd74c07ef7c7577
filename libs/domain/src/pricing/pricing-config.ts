// Every number of the price model in one validated object. Validation returns
// the problems as values; the pricing app refuses to start on any of them.
import { MATCH_EVENT_TYPES } from '../match/match-event';
import { DEFAULT_JUMP_TABLE, type EventRole, type JumpTable } from './jump-table';

export interface PricingConfig {
  /** Seeds every player's drift generator, together with the playerId. */
  rngSeed: number;
  floorPriceCents: number;
  ceilingPriceCents: number;
  jumpTable: JumpTable;
  /** An idle player still ticks this often (ms since its last tick). */
  driftIntervalMs: number;
  /** Bound on one drift tick's move, both ways. */
  driftMaxBp: number;
  /** Standard deviation of the random part of a drift tick. */
  driftVolatilityBp: number;
  /** Share of the gap to the anchor (last event-driven price) closed per drift tick, 0..1. */
  driftReversionPerTick: number;
  /** Price impact of one net share bought (negative impact when sold). */
  demandBpPerShare: number;
  /** Bound on one demand tick's move, both ways; impact beyond it is dropped, not carried. */
  demandMaxBpPerTick: number;
  /** Trade lock after an event on a player, counted from the event's ingestedAt. */
  lockWindowMs: number;
  /** Drift and demand ticks are spaced at least 1000 / this ms apart; events always tick. */
  maxTicksPerPlayerPerSecond: number;
}

/** Limits on the config itself, so a typo cannot make a price explode or vanish. */
export const PRICING_LIMITS = {
  maxJumpBp: 5_000,
  maxDriftBp: 500,
  maxDemandBpPerTick: 1_000,
  maxTicksPerPlayerPerSecond: 50,
  maxLockWindowMs: 10 * 60_000,
} as const;

export const DEFAULT_PRICING_CONFIG: PricingConfig = {
  rngSeed: 20_240_601,
  floorPriceCents: 50,
  ceilingPriceCents: 1_000_000,
  jumpTable: DEFAULT_JUMP_TABLE,
  driftIntervalMs: 2_000,
  driftMaxBp: 30,
  driftVolatilityBp: 10,
  driftReversionPerTick: 0.05,
  demandBpPerShare: 0.5,
  demandMaxBpPerTick: 200,
  lockWindowMs: 60_000,
  maxTicksPerPlayerPerSecond: 4,
};

export type PricingConfigResult = { ok: true; config: PricingConfig } | { ok: false; errors: string[] };

export function validatePricingConfig(config: PricingConfig): PricingConfigResult {
  const errors: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) errors.push(message);
  };
  const isInt = Number.isSafeInteger;
  const within = (value: number, min: number, max: number): boolean => Number.isFinite(value) && value >= min && value <= max;

  check(isInt(config.rngSeed), `rngSeed must be an integer, got ${config.rngSeed}`);
  check(isInt(config.floorPriceCents) && config.floorPriceCents >= 1, `floorPriceCents must be an integer >= 1, got ${config.floorPriceCents}`);
  check(
    isInt(config.ceilingPriceCents) && config.ceilingPriceCents > config.floorPriceCents,
    `ceilingPriceCents must be an integer above floorPriceCents, got ${config.ceilingPriceCents}`,
  );
  check(isInt(config.driftIntervalMs) && config.driftIntervalMs > 0, `driftIntervalMs must be a positive integer, got ${config.driftIntervalMs}`);
  check(within(config.driftMaxBp, 0, PRICING_LIMITS.maxDriftBp), `driftMaxBp must be in 0..${PRICING_LIMITS.maxDriftBp}, got ${config.driftMaxBp}`);
  check(within(config.driftVolatilityBp, 0, PRICING_LIMITS.maxDriftBp), `driftVolatilityBp must be in 0..${PRICING_LIMITS.maxDriftBp}, got ${config.driftVolatilityBp}`);
  check(within(config.driftReversionPerTick, 0, 1), `driftReversionPerTick must be in 0..1, got ${config.driftReversionPerTick}`);
  check(within(config.demandBpPerShare, 0, PRICING_LIMITS.maxDemandBpPerTick), `demandBpPerShare must be in 0..${PRICING_LIMITS.maxDemandBpPerTick}, got ${config.demandBpPerShare}`);
  check(
    within(config.demandMaxBpPerTick, 0, PRICING_LIMITS.maxDemandBpPerTick),
    `demandMaxBpPerTick must be in 0..${PRICING_LIMITS.maxDemandBpPerTick}, got ${config.demandMaxBpPerTick}`,
  );
  check(isInt(config.lockWindowMs) && within(config.lockWindowMs, 0, PRICING_LIMITS.maxLockWindowMs), `lockWindowMs must be an integer in 0..${PRICING_LIMITS.maxLockWindowMs}, got ${config.lockWindowMs}`);
  check(
    within(config.maxTicksPerPlayerPerSecond, Number.MIN_VALUE, PRICING_LIMITS.maxTicksPerPlayerPerSecond),
    `maxTicksPerPlayerPerSecond must be in (0, ${PRICING_LIMITS.maxTicksPerPlayerPerSecond}], got ${config.maxTicksPerPlayerPerSecond}`,
  );
  for (const type of MATCH_EVENT_TYPES) {
    const entry = config.jumpTable[type] as Partial<Record<EventRole, number>> | undefined;
    if (entry === undefined) {
      errors.push(`jumpTable has no entry for ${type}`);
      continue;
    }
    for (const [role, jumpBp] of Object.entries(entry)) {
      check(
        jumpBp === undefined || within(jumpBp, -PRICING_LIMITS.maxJumpBp, PRICING_LIMITS.maxJumpBp),
        `jumpTable.${type}.${role} must be in ±${PRICING_LIMITS.maxJumpBp} bp, got ${jumpBp}`,
      );
    }
  }
  return errors.length === 0 ? { ok: true, config } : { ok: false, errors };
}

/** Minimum spacing of drift and demand ticks for one player. */
export function minTickIntervalMs(config: PricingConfig): number {
  return Math.ceil(1000 / config.maxTicksPerPlayerPerSecond);
}
