// Client message rate: a token bucket per connection (burst, then a steady
// rate). Pure state and arithmetic; the caller passes the time.

export interface RateLimits {
  maxMessagesPerSecond: number;
  messageBurst: number;
}

export interface TokenBucket {
  tokens: number;
  refilledAtMs: number;
}

export function fullBucket(limits: RateLimits, nowMs: number): TokenBucket {
  return { tokens: limits.messageBurst, refilledAtMs: nowMs };
}

/** Takes one token if there is one; refills by elapsed time first. */
export function takeToken(bucket: TokenBucket, limits: RateLimits, nowMs: number): boolean {
  const elapsedMs = Math.max(0, nowMs - bucket.refilledAtMs);
  bucket.tokens = Math.min(limits.messageBurst, bucket.tokens + (elapsedMs * limits.maxMessagesPerSecond) / 1000);
  bucket.refilledAtMs = nowMs;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
