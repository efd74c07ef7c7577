// Order intake over HTTP: POST /orders, GET /orders (the caller's own orders, a
// page at a time), GET /orders/:id. An order is answered 202 once it is durably on
// `orders` (acks from all in-sync replicas), or with its result when the
// client asked `Prefer: wait=N` and it arrived in time.
import { randomUUID } from 'node:crypto';
import type uWS from 'uWebSockets.js';
import type { Identity } from '@inplay/auth';
import type { OrderResult } from '@inplay/contracts';
import type { RecordSender } from '@inplay/kafka';
import type { Logger } from '@inplay/telemetry';
import { readBody, replyTo, type Reply } from './http';
import { orderRecordOf } from './key-claims';
import { parseOrderListQuery } from './order-list';
import { MAX_ORDER_BODY_BYTES, parseIdempotencyKey, parseOrderBody, preferWaitMs } from './order-request';
import type { OrderStore } from './order-store';
import type { RateDecision } from './rate-limit';
import type { ResultWaiter } from './result-waiter';
import { httpRefusal, type TokenGuard } from '../auth/token-guard';

export interface OrderRoutesDeps {
  /** Every bearer token is checked here: signature, expiry, revocation. */
  tokens: TokenGuard;
  store: OrderStore;
  sender: RecordSender;
  results: ResultWaiter;
  rateLimit: (userId: string) => RateDecision;
  logger: Logger;
  /** Courtesy trade-lock check from the gateway's own ticks: lockedUntil to refuse the order now, else null (courtesy-lock.ts). */
  tradeLock?: (playerId: string, matchId: string | null, nowMs: number) => number | null;
  now?: () => number;
}

export function registerOrderRoutes(app: uWS.TemplatedApp, deps: OrderRoutesDeps): uWS.TemplatedApp {
  app.post('/orders', (res, req) => {
    const reply = replyTo(res);
    const headers = { authorization: req.getHeader('authorization'), key: req.getHeader('idempotency-key'), prefer: req.getHeader('prefer') };
    const body = readBody(res, MAX_ORDER_BODY_BYTES);
    guarded(reply, deps.logger, () => placeOrder(reply, headers, body, deps));
  });
  app.get('/orders', (res, req) => {
    const reply = replyTo(res, req.getHeader('accept-encoding'));
    const authorization = req.getHeader('authorization');
    const query = new URLSearchParams(req.getQuery() ?? '');
    guarded(reply, deps.logger, async () => {
      const identity = await authenticate(reply, deps, authorization);
      if (!identity) return;
      const parsed = parseOrderListQuery(query);
      if (!parsed.ok) return reply.error(parsed.error.status, parsed.error.code, parsed.error.message);
      reply.json(200, await deps.store.listOwnOrders(identity.userId, parsed.limit, parsed.before));
    });
  });
  app.get('/orders/:id', (res, req) => {
    const reply = replyTo(res, req.getHeader('accept-encoding'));
    const authorization = req.getHeader('authorization');
    const orderId = req.getParameter(0) ?? '';
    guarded(reply, deps.logger, async () => {
      const identity = await authenticate(reply, deps, authorization);
      if (!identity) return;
      const order = await deps.store.findOwnOrder(identity.userId, orderId);
      if (!order) return reply.error(404, 'ORDER_NOT_FOUND', `no order ${orderId} of yours`);
      reply.json(200, { orderId, idempotencyKey: order.idempotencyKey, placedAt: order.placedAt, status: order.result?.status ?? 'PENDING', result: order.result });
    });
  });
  return app;
}

/** Retry-After of a 503 UNAVAILABLE (Postgres or the broker failed the request): a client retries, not hammers. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

function guarded(reply: Reply, logger: Logger, work: () => Promise<void>): void {
  work().catch((err: Error) => {
    logger.error({ err }, 'order intake failed');
    reply.error(503, 'UNAVAILABLE', 'the order could not be taken right now: retry with the same Idempotency-Key', { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
  });
}

async function authenticate(reply: Reply, deps: OrderRoutesDeps, authorization: string): Promise<Identity | null> {
  const checked = await deps.tokens.check(authorization);
  if (checked.ok) return checked.identity;
  const { status, headers } = httpRefusal(checked);
  reply.error(status, checked.code, checked.message, headers);
  return null;
}

async function placeOrder(reply: Reply, headers: { authorization: string; key: string; prefer: string }, bodyPromise: Promise<Buffer | null>, deps: OrderRoutesDeps): Promise<void> {
  const body = await bodyPromise;
  const identity = await authenticate(reply, deps, headers.authorization);
  if (!identity) return;
  const { userId } = identity;
  const limited = deps.rateLimit(userId);
  if (!limited.allowed) {
    const seconds = Math.max(1, Math.ceil(limited.retryAfterMs / 1_000));
    return reply.error(429, 'RATE_LIMITED', `too many orders: retry in ${seconds} s`, { 'retry-after': String(seconds) });
  }
  const key = parseIdempotencyKey(headers.key);
  if (!key.ok) return reply.error(key.error.status, key.error.code, key.error.message);
  if (body === null) return reply.error(413, 'BODY_TOO_LARGE', `the body must be at most ${MAX_ORDER_BODY_BYTES} bytes`);
  const parsed = parseOrderBody(body);
  if (!parsed.ok) return reply.error(parsed.error.status, parsed.error.code, parsed.error.message);
  const request = parsed.order;
  if (!(await deps.store.playerExists(request.playerId))) return reply.error(422, 'PLAYER_UNKNOWN', `no player ${request.playerId}`);
  const nowMs = (deps.now ?? Date.now)();
  const lockedUntil = deps.tradeLock?.(request.playerId, deps.store.matchOf(request.playerId), nowMs) ?? null;
  if (lockedUntil !== null) {
    const seconds = Math.max(1, Math.ceil((lockedUntil - nowMs) / 1_000));
    return reply.error(409, 'TRADE_LOCKED', `trading on ${request.playerId} is locked for ${seconds} s (until ${new Date(lockedUntil).toISOString()}) after a match event`, { 'retry-after': String(seconds) });
  }
  let claimed;
  try {
    claimed = await deps.store.claimKey(userId, key.key, request, { orderId: randomUUID(), placedAt: (deps.now ?? Date.now)() });
  } catch (err) {
    if ((err as { code?: string }).code === '23503') return reply.error(403, 'ACCOUNT_UNKNOWN', `user ${userId} has no account`);
    throw err;
  }
  if (claimed.bodyHash !== request.bodyHash) {
    return reply.error(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different order');
  }
  const { orderId } = claimed;
  // A retry re-sends the same order (same orderId) unless it is settled: settlement ignores a key it has executed.
  // A gateway that dies between the claim and this send, with a client that never retries, is covered by
  // the claim sweeper (claim-sweeper.ts): any gateway sends the stored order again once the claim is older than its grace.
  let result: OrderResult | null = claimed.fresh ? null : await deps.store.resultOf(orderId);
  if (!result) await deps.sender.send('orders', [{ key: userId, value: orderRecordOf(userId, key.key, request, claimed) }]);
  const waitMs = preferWaitMs(headers.prefer);
  if (!result && waitMs > 0) result = await deps.results.wait(orderId, waitMs);
  if (result) return reply.json(200, { orderId, status: result.status, result }, waitMs > 0 ? { 'preference-applied': `wait=${waitMs / 1_000}` } : {});
  reply.json(202, { orderId, status: 'PENDING' });
}
