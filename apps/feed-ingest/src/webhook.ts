// Live provider webhook: POST /feed/events, signed (HMAC-SHA256, timestamp,
// one-time delivery id). The delivery id and the event are recorded in one
// Postgres transaction; the event is produced after commit (outbox). Every
// refusal is a 4xx {error: {code, message}} with nothing written anywhere.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MatchEvent } from '@inplay/contracts';
import { inTransaction, type PoolClient } from '@inplay/db';
import { connectFeedAdapters, type FeedAdapters } from './adapters';
import { systemClock, type Clock } from './clock';
import { createFeedOutbox, type FeedOutbox } from './outbox';
import type { InfraSettings } from './settings';
import { MAX_SIGNATURE_AGE_MS, verifyWebhookSignature } from './signature';
import { matchEventFromWebhook, webhookEventBody } from './webhook-body';

export const FEED_EVENTS_PATH = '/feed/events';
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_DELIVERY_ID_CHARS = 200;
/** Pending rows older than this are resent by the sweep (a produce that failed after commit). */
export const PENDING_SWEEP_INTERVAL_MS = 10_000;

/** Stable error codes of the webhook (part of the provider-facing protocol). */
export type WebhookErrorCode =
  | 'BAD_SIGNATURE' | 'STALE_TIMESTAMP' | 'REPLAYED_DELIVERY' | 'MISSING_DELIVERY_ID' | 'MALFORMED_BODY' | 'BODY_TOO_LARGE'
  | 'UNKNOWN_MATCH' | 'UNKNOWN_PLAYER' | 'METHOD_NOT_ALLOWED' | 'UNSUPPORTED_MEDIA_TYPE' | 'NOT_FOUND' | 'BAD_REQUEST_TARGET';

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const refuse = (status: number, code: WebhookErrorCode, message: string, headers?: Record<string, string>): Reply => ({ status, body: { error: { code, message } }, ...(headers ? { headers } : {}) });

export interface WebhookServerOptions {
  adapters?: FeedAdapters;
  infra?: InfraSettings;
  secret: string;
  port: number;
  host?: string;
  clock?: Clock;
  maxBodyBytes?: number;
  maxSignatureAgeMs?: number;
  /** What GET /health says beyond "ok": a failed step (the demo replay) makes it 503 with the reason. */
  health?: () => { failed: string | null };
}

export interface WebhookServer {
  url: string;
  port: number;
  /** Stops accepting, finishes requests in flight, then closes the adapters it created. */
  close(): Promise<void>;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const adapters = options.adapters ?? (options.infra ? await connectFeedAdapters(options.infra) : undefined);
  if (!adapters) throw new Error('startWebhookServer needs adapters or infra settings');
  const { logger, metrics } = adapters;
  const outbox = createFeedOutbox(adapters.pool, adapters.sender, metrics);
  const resent = await outbox.resendPending();
  if (resent > 0) logger.warn({ resent }, 'resent events left pending by an earlier run');

  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    const work = serve(req, res).finally(() => inFlight.delete(work));
    inFlight.add(work);
  });
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let reply: Reply;
    try {
      reply = await route(req, { ...options, outbox, adapters });
    } catch (err) {
      logger.error({ err }, 'webhook request failed');
      reply = { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error; retry with the same delivery id' } } };
    }
    const errorCode = (reply.body as { error?: { code?: string } }).error?.code ?? '';
    metrics.webhookRequests.inc({ status: String(reply.status), code: errorCode });
    if (reply.status >= 400) logger.info({ status: reply.status, code: errorCode, delivery: req.headers['x-inplay-delivery'] }, 'webhook request refused');
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const sweep = setInterval(() => {
    outbox.resendPending({ olderThanMs: PENDING_SWEEP_INTERVAL_MS }).catch((err: Error) => logger.error({ err }, 'pending sweep failed'));
  }, PENDING_SWEEP_INTERVAL_MS);
  sweep.unref();
  const { port } = server.address() as AddressInfo;
  logger.info({ port, path: FEED_EVENTS_PATH }, 'feed webhook listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.allSettled([...inFlight]);
        if (!options.adapters) await adapters.close();
      })();
      return closing;
    },
  };
}

interface RouteContext extends WebhookServerOptions {
  outbox: FeedOutbox;
  adapters: FeedAdapters;
}

/** The path of a request target; undefined when it is no URL at all (an absolute form such as "http://[/x": new URL threw, a 500). */
function pathOf(target: string): string | undefined {
  return URL.canParse(target, 'http://localhost') ? new URL(target, 'http://localhost').pathname : undefined;
}

type Handler = (req: IncomingMessage, ctx: RouteContext) => Promise<Reply>;

const health: Handler = async (_req, ctx) => {
  const failed = ctx.health?.().failed ?? null;
  return failed === null ? { status: 200, body: { status: 'ok' } } : { status: 503, body: { status: 'failed', reason: failed } };
};

/** Every route, by path and method: dispatch reads it, and WEBHOOK_ROUTES lists it for the contract test (docs/api/openapi.yaml). */
const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  '/health': { GET: health, HEAD: health },
  [FEED_EVENTS_PATH]: { POST: (req, ctx) => receiveEvent(req, ctx) },
};

/** "POST /feed/events", "GET /health", ...: every route the webhook server answers. */
export const WEBHOOK_ROUTES: readonly string[] = Object.entries(ROUTES).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));

async function route(req: IncomingMessage, ctx: RouteContext): Promise<Reply> {
  const path = pathOf(req.url ?? '/');
  if (path === undefined) return refuse(400, 'BAD_REQUEST_TARGET', `the request target ${JSON.stringify(req.url)} is not a URL path`);
  const methods = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (!methods) return refuse(404, 'NOT_FOUND', `no route ${path}; events go to POST ${FEED_EVENTS_PATH}`);
  const handler = Object.hasOwn(methods, req.method ?? '') ? methods[req.method ?? ''] : undefined;
  const allowed = Object.keys(methods).join(', ');
  if (!handler) return refuse(405, 'METHOD_NOT_ALLOWED', `use ${allowed} ${path}`, { allow: allowed });
  return handler(req, ctx);
}

async function receiveEvent(req: IncomingMessage, ctx: RouteContext): Promise<Reply> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', `content-type must be application/json, got ${JSON.stringify(req.headers['content-type'] ?? '')}`);

  const maxBodyBytes = ctx.maxBodyBytes ?? MAX_BODY_BYTES;
  const tooLarge = refuse(413, 'BODY_TOO_LARGE', `body is over ${maxBodyBytes} bytes`, { connection: 'close' });
  if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return tooLarge;
  const rawBody = await readBody(req, maxBodyBytes);
  if (rawBody === null) return tooLarge;

  const nowMs = (ctx.clock ?? systemClock).now();
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const signed = verifyWebhookSignature({
    secret: ctx.secret, timestamp: header('x-inplay-timestamp'), signature: header('x-inplay-signature'), rawBody, nowMs, maxAgeMs: ctx.maxSignatureAgeMs ?? MAX_SIGNATURE_AGE_MS,
  });
  if (!signed.ok) return refuse(401, signed.code, signed.message);
  const deliveryId = header('x-inplay-delivery');
  if (deliveryId === undefined || !/^[\x21-\x7e]+$/.test(deliveryId) || deliveryId.length > MAX_DELIVERY_ID_CHARS) {
    return refuse(400, 'MISSING_DELIVERY_ID', `X-Inplay-Delivery must be a unique id of 1..${MAX_DELIVERY_ID_CHARS} printable characters`);
  }

  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (err) {
    return refuse(400, 'MALFORMED_BODY', `body is not JSON: ${(err as Error).message}`);
  }
  const parsed = webhookEventBody.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    return refuse(400, 'MALFORMED_BODY', problems);
  }
  return accept(matchEventFromWebhook(parsed.data, nowMs), deliveryId, ctx);
}

/** The raw body, or null once it goes over maxBodyBytes (the rest is discarded). */
function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBodyBytes) {
        chunks.length = 0;
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(bytes > maxBodyBytes ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function accept(event: MatchEvent, deliveryId: string, ctx: RouteContext): Promise<Reply> {
  // A refusal rolls back the delivery id too: nothing of a refused request stays.
  const outcome = await inTransaction(ctx.adapters.pool, async (client): Promise<{ refusal: Reply } | { fresh: MatchEvent[] }> => {
    const refusal = await checkDelivery(client, event, deliveryId);
    return refusal ? { refusal } : { fresh: await ctx.outbox.record(client, [event]) };
  }, { rollbackWhen: (o) => 'refusal' in o });
  if ('refusal' in outcome) return outcome.refusal;
  const { fresh } = outcome;
  if (fresh.length === 0) {
    ctx.adapters.metrics.duplicatesSkipped.inc({ source: 'webhook' });
    return { status: 200, body: { eventId: event.eventId, duplicate: true } };
  }
  try {
    await ctx.outbox.send(fresh, 'webhook');
  } catch (err) {
    // Committed: the event is ours now. The pending sweep produces it; the provider must not resend.
    ctx.adapters.logger.error({ err, eventId: event.eventId }, 'produce failed after commit; the pending sweep will resend');
  }
  return { status: 202, body: { eventId: event.eventId } };
}

async function checkDelivery(client: PoolClient, event: MatchEvent, deliveryId: string): Promise<Reply | null> {
  const delivery = await client.query('INSERT INTO webhook_deliveries (delivery_id) VALUES ($1) ON CONFLICT DO NOTHING', [deliveryId]);
  if (delivery.rowCount === 0) return refuse(409, 'REPLAYED_DELIVERY', `delivery ${deliveryId} was already received; send a new delivery id`);
  const match = await client.query('SELECT 1 FROM matches WHERE match_id = $1', [event.matchId]);
  if (match.rowCount === 0) return refuse(404, 'UNKNOWN_MATCH', `match ${event.matchId} is not registered`);
  const named = [event.playerId, event.relatedPlayerId].filter((id): id is string => id !== null);
  if (named.length > 0) {
    const { rows } = await client.query<{ player_id: string }>('SELECT player_id FROM players WHERE match_id = $1 AND player_id = ANY($2::text[])', [event.matchId, named]);
    const known = new Set(rows.map((r) => r.player_id));
    const unknown = named.filter((id) => !known.has(id));
    if (unknown.length > 0) return refuse(422, 'UNKNOWN_PLAYER', `player ${unknown.join(', ')} is not in match ${event.matchId}`);
  }
  return null;
}
