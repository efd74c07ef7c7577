// Order intake module of the gateway: POST /orders, GET /orders/:id, over the gateway's one producer, pool and result feed, and the
// sweeper that sends again orders whose claim was left without a result.
import type { RouteModule } from '../http/routes';
import { startClaimSweeper } from './claim-sweeper';
import { courtesyLock } from './courtesy-lock';
import { createRateLimiter, DEFAULT_ORDER_RATE_LIMIT, type RateLimit } from './rate-limit';
import { registerOrderRoutes } from './routes';

export { registerOrderRoutes, type OrderRoutesDeps } from './routes';
export { createOrderStore, type OrderStore } from './order-store';
export { createResultWaiter, MAX_WAITING_REQUESTS, type ResultWaiter } from './result-waiter';
export { createRateLimiter, DEFAULT_ORDER_RATE_LIMIT, MAX_RATE_LIMITED_USERS, type RateLimit } from './rate-limit';
export { MAX_CLAIMS_PER_SWEEP, startClaimSweeper, sweepUnsentClaims, type ClaimSweeper, type ClaimSweepLimits, type SweepOutcome } from './claim-sweeper';
export { orderRecordOf } from './key-claims';
export { MAX_IDEMPOTENCY_KEY_CHARS, MAX_LIMIT_PRICE_CENTS, MAX_ORDER_BODY_BYTES, MAX_PREFER_WAIT_MS, parseOrderBody, preferWaitMs } from './order-request';

export interface OrderModuleOptions {
  rateLimit?: RateLimit;
  /** Overrides the courtesy trade-lock check (default: from the gateway's own ticks where the match's policy is the trade lock). */
  tradeLock?: (playerId: string, matchId: string | null, nowMs: number) => number | null;
}

export const orderRoutes = (options: OrderModuleOptions = {}): RouteModule => (app, deps) => {
  registerOrderRoutes(app, {
    tokens: deps.tokens,
    store: deps.orders,
    sender: deps.records,
    results: deps.results,
    rateLimit: createRateLimiter(options.rateLimit ?? DEFAULT_ORDER_RATE_LIMIT, deps.now),
    logger: deps.logger,
    tradeLock: options.tradeLock ?? ((playerId, matchId, nowMs) => courtesyLock(deps.fairness, matchId, deps.book.state(playerId)?.lockedUntil, nowMs)),
    now: deps.now,
  });
  const sweeper = startClaimSweeper({ pool: deps.pool, sender: deps.records, limits: deps.config.limits, logger: deps.logger, metrics: deps.metrics });
  deps.onStop(() => sweeper.stop());
};
