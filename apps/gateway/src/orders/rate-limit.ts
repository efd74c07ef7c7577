// Per-user rate limit for order intake: a token bucket per user, in memory
// (each gateway limits its own share; the load balancer pins nothing).
export const DEFAULT_ORDER_RATE_LIMIT = { ordersPerSecond: 20, burstOrders: 40 };
/** Buckets kept at most; the least recently used is forgotten beyond this. */
export const MAX_RATE_LIMITED_USERS = 100_000;

export interface RateLimit {
  ordersPerSecond: number;
  burstOrders: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): (userId: string) => RateDecision {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (userId) => {
    const t = now();
    const bucket = buckets.get(userId) ?? { tokens: limit.burstOrders, at: t };
    buckets.delete(userId);
    bucket.tokens = Math.min(limit.burstOrders, bucket.tokens + ((t - bucket.at) / 1_000) * limit.ordersPerSecond);
    bucket.at = t;
    buckets.set(userId, bucket);
    if (buckets.size > MAX_RATE_LIMITED_USERS) buckets.delete(buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / limit.ordersPerSecond) * 1_000) };
  };
}
