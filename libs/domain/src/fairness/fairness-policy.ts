// Fairness policies: before an order fills, decide whether the price in force
// may be used at all. A policy is a pure function so each market can choose
// one (trade lock today; delayed execution, sealed batch... in their own issue).

/** The latest tick settlement knows for a player. */
export interface PriceInForce {
  playerId: string;
  priceCents: number;
  /** The tick's per-player sequence number, recorded on the fill. */
  seq: number;
  /** When the tick was computed (ms since epoch). */
  tickedAt: number;
  /** Trading on the player is locked until then (ms since epoch), or null. */
  lockedUntil: number | null;
}

export interface FairnessInput {
  playerId: string;
  placedAt: number;
  price: PriceInForce;
  /** Settlement's clock when the order is settled. */
  nowMs: number;
}

export type FairnessVerdict =
  | { allowed: true }
  | { allowed: false; rejected: 'TRADE_LOCKED'; retryAfterMs: number; lockedUntil: number };

export type FairnessPolicy = (input: FairnessInput) => FairnessVerdict;

const ALLOWED: FairnessVerdict = { allowed: true };

/** Trade lock (the default): an event on a player locks trading on him until `lockedUntil`. One O(1) check. */
export const tradeLockPolicy: FairnessPolicy = ({ price, nowMs }) => {
  if (price.lockedUntil === null || nowMs >= price.lockedUntil) return ALLOWED;
  return { allowed: false, rejected: 'TRADE_LOCKED', retryAfterMs: price.lockedUntil - nowMs, lockedUntil: price.lockedUntil };
};

/** No fairness check at all: for tests and benchmarks that isolate other rules. */
export const noFairnessPolicy: FairnessPolicy = () => ALLOWED;
