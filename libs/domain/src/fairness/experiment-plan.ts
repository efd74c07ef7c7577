// The fairness experiment's traders, pure and seeded: when a front-runner
// (who sees each goal `frontRunMs` before the feed delivers it) buys the
// scorer and when he sells, and when each honest user places a random order.
// The runner (apps/cli/src/fairness) turns these into orders on the log and
// decides the runtime details (quantity from the price then, buy or sell from
// what the user holds).
import { invariant } from '../invariant';
import { createRandom, rngStateFromSeed } from '../random/seeded-random';

/** The front-runner sees an event this long before the feed delivers it (issue #5). */
export const DEFAULT_FRONT_RUN_MS = 30_000;
/** After the feed delivered the event (and the price jumped), the front-runner sells this much later. */
export const DEFAULT_SELL_AFTER_FEED_MS = 5_000;
/** Mean time between two orders of one honest user (exponential gaps). */
export const DEFAULT_HONEST_MEAN_INTERVAL_MS = 180_000;
/** Largest quantity of an honest order (uniform 1..max). */
export const HONEST_MAX_QUANTITY = 5;
/** Event types the front-runner trades on: he buys the player the event names. */
export const DEFAULT_FRONT_RUN_TYPES: readonly string[] = ['GOAL'];

export interface PlannedEvent {
  eventId: string;
  type: string;
  playerId: string | null;
  occurredAt: number;
  ingestedAt: number;
}

export interface FrontRun {
  eventId: string;
  playerId: string;
  /** When he sees it: `frontRunMs` before the feed, never before it happened. */
  buyAt: number;
  sellAt: number;
}

export function planFrontRuns(events: readonly PlannedEvent[], options: { frontRunMs: number; sellAfterFeedMs: number; types?: readonly string[] }): FrontRun[] {
  invariant(options.frontRunMs >= 0 && options.sellAfterFeedMs >= 0, () => 'frontRunMs and sellAfterFeedMs must not be negative');
  const types = new Set(options.types ?? DEFAULT_FRONT_RUN_TYPES);
  return events
    .filter((e): e is PlannedEvent & { playerId: string } => types.has(e.type) && e.playerId !== null)
    .map((e) => ({ eventId: e.eventId, playerId: e.playerId, buyAt: Math.max(e.occurredAt, e.ingestedAt - options.frontRunMs), sellAt: e.ingestedAt + options.sellAfterFeedMs }))
    .sort((a, b) => a.buyAt - b.buyAt);
}

export interface HonestOrderPlan {
  at: number;
  userId: string;
  playerId: string;
  quantity: number;
  /** Uniform in [0, 1): the runner sells when the user holds the player and this is below 0.5. */
  coin: number;
}

export function planHonestOrders(options: { seed: number; userIds: readonly string[]; playerIds: readonly string[]; from: number; until: number; meanIntervalMs: number }): HonestOrderPlan[] {
  invariant(options.playerIds.length > 0, () => 'honest users need players to trade');
  invariant(options.meanIntervalMs > 0 && options.until >= options.from, () => 'meanIntervalMs must be positive and until >= from');
  const rng = createRandom(rngStateFromSeed(options.seed));
  const plans: HonestOrderPlan[] = [];
  for (const userId of options.userIds) {
    for (let at = options.from + exponential(rng.nextFloat(), options.meanIntervalMs); at < options.until; at += exponential(rng.nextFloat(), options.meanIntervalMs)) {
      plans.push({ at: Math.round(at), userId, playerId: options.playerIds[rng.nextInt(options.playerIds.length)]!, quantity: 1 + rng.nextInt(HONEST_MAX_QUANTITY), coin: rng.nextFloat() });
    }
  }
  return plans.sort((a, b) => a.at - b.at || a.userId.localeCompare(b.userId));
}

function exponential(u: number, mean: number): number {
  return -Math.log(1 - u) * mean;
}

/** The median of non-negative samples (lower middle for an even count), null for none. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
