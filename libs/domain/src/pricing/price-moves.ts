// The arithmetic of a price move: basis points in, integer cents out, always
// inside [floorPriceCents, ceilingPriceCents]. Drift and demand sizes live here.
import type { SeededRandom } from '../random/seeded-random';
import type { PricingConfig } from './pricing-config';

export const BP_PER_UNIT = 10_000;

type PriceBounds = Pick<PricingConfig, 'floorPriceCents' | 'ceilingPriceCents'>;

export function clampPriceCents(priceCents: number, bounds: PriceBounds): number {
  return Math.min(bounds.ceilingPriceCents, Math.max(bounds.floorPriceCents, priceCents));
}

/** Moves a price by bp basis points, rounded to the cent, clamped to floor and ceiling. */
export function movePriceCents(priceCents: number, bp: number, bounds: PriceBounds): number {
  return clampPriceCents(Math.round((priceCents * (BP_PER_UNIT + bp)) / BP_PER_UNIT), bounds);
}

export function clampBp(bp: number, maxAbsBp: number): number {
  return Math.min(maxAbsBp, Math.max(-maxAbsBp, bp));
}

/**
 * One drift step: mean reversion toward the anchor (the last event-driven
 * price) plus gaussian noise, bounded by driftMaxBp. Draws two numbers from rng.
 */
export function driftBp(
  priceCents: number,
  anchorPriceCents: number,
  rng: SeededRandom,
  config: Pick<PricingConfig, 'driftReversionPerTick' | 'driftVolatilityBp' | 'driftMaxBp'>,
): number {
  const gapToAnchorBp = ((anchorPriceCents - priceCents) / priceCents) * BP_PER_UNIT;
  const noiseBp = config.driftVolatilityBp * rng.gaussian();
  return clampBp(config.driftReversionPerTick * gapToAnchorBp + noiseBp, config.driftMaxBp);
}

/** Impact of net traded shares (buys positive), bounded by demandMaxBpPerTick. */
export function demandBp(netShares: number, config: Pick<PricingConfig, 'demandBpPerShare' | 'demandMaxBpPerTick'>): number {
  return clampBp(netShares * config.demandBpPerShare, config.demandMaxBpPerTick);
}
