// Order intake module of the gateway: the gateway's main builds the deps with
// createOrderIntake and calls registerOrderRoutes on its uWS app.
export { registerOrderRoutes, type OrderRoutesDeps } from './routes';
export { createOrderIntake, type OrderIntakeOptions } from './intake';
export { createRateLimiter, DEFAULT_ORDER_RATE_LIMIT, MAX_RATE_LIMITED_USERS, type RateLimit } from './rate-limit';
export { MAX_IDEMPOTENCY_KEY_CHARS, MAX_LIMIT_PRICE_CENTS, MAX_ORDER_BODY_BYTES, MAX_PREFER_WAIT_MS, parseOrderBody, preferWaitMs } from './order-request';
