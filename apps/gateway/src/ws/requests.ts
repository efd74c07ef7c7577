// What a connection asks for: auth (who it is), subscribe (snapshot, then the live ticks),
// unsubscribe, resume (replay from the ring buffer, or a gap snapshot), ping.
// Every limit breach is answered with a coded error on this connection only;
// it is closed only when it keeps flooding or keeps sending garbage.
import type { GatewayLimits } from '../config';
import type { GatewayMetrics } from '../metrics';
import { CLOSE, type ErrorName } from '../protocol/codes';
import { parseClientMessage } from '../protocol/client-messages';
import { pongMessage, snapshotMessage, tickMessage } from '../protocol/server-messages';
import { takeToken } from '../policy/rate-limit';
import { priceTopic } from '../fanout/fanout';
import type { TickBatcher } from '../fanout/tick-batcher';
import type { PriceBook } from '../fanout/price-book';
import { closeWith, sendError, sendTo, type Connection } from './connection';

export interface SessionContext {
  /** Checks the token of an `auth` message and, when it is good, makes the socket its user's (socket-server.ts). */
  authenticate(conn: Connection, token: string): void;
  book: PriceBook;
  limits: GatewayLimits;
  metrics: GatewayMetrics;
  /** The price topics: one frame of ticks per connection per flush interval. */
  ticks: TickBatcher<Connection>;
  now: () => number;
}

/** At most one RATE_LIMITED error per connection per this window, so refusals do not amplify a flood. */
export const RATE_ERROR_INTERVAL_MS = 1_000;

/** Handles one frame. The ArrayBuffer is only valid during this call: it is decoded (copied) first. */
export function handleMessage(ctx: SessionContext, conn: Connection, message: ArrayBuffer, isBinary: boolean): void {
  const nowMs = ctx.now();
  if (!takeToken(conn.bucket, ctx.limits, nowMs)) {
    refuseForRate(ctx, conn, nowMs);
    return;
  }
  conn.refusedInARow = 0;
  if (message.byteLength > ctx.limits.maxFrameBytes) {
    badRequest(ctx, conn, 'FRAME_TOO_LARGE', `a frame of ${message.byteLength} bytes is over the ${ctx.limits.maxFrameBytes}-byte limit`);
    return;
  }
  if (isBinary) {
    badRequest(ctx, conn, 'BINARY_NOT_SUPPORTED', 'protocol v1 is JSON text frames only');
    return;
  }
  const parsed = parseClientMessage(Buffer.from(message).toString('utf8'), ctx.limits);
  if (!parsed.ok) {
    badRequest(ctx, conn, parsed.error, parsed.message, parsed.op);
    return;
  }
  const request = parsed.request;
  switch (request.op) {
    case 'auth':
      ctx.authenticate(conn, request.token);
      return;
    case 'ping':
      sendTo(conn, pongMessage(nowMs), 'pong', ctx.metrics);
      return;
    case 'subscribe':
      if (!withinSubscriptionLimit(ctx, conn, request.players, 'subscribe')) return;
      for (const player of request.players) catchUp(ctx, conn, player, undefined);
      return;
    case 'unsubscribe':
      for (const player of request.players) {
        conn.players.delete(player);
        conn.toldSeqs.delete(player);
        ctx.ticks.unsubscribe(conn, priceTopic(player));
      }
      return;
    case 'resume':
      if (!withinSubscriptionLimit(ctx, conn, request.positions.map((p) => p.player), 'resume')) return;
      for (const position of request.positions) catchUp(ctx, conn, position.player, position.fromSeq);
      return;
  }
}

/**
 * Brings one player of a connection up to date and onto its live stream:
 * a snapshot (fromSeq undefined), or the ticks after fromSeq from the ring,
 * or a gap snapshot when the ring no longer holds them. A slow-mode socket
 * gets a conflated snapshot and stays off the topic.
 */
export function catchUp(ctx: SessionContext, conn: Connection, player: string, fromSeq: number | undefined): void {
  conn.players.add(player);
  const { book, metrics } = ctx;
  if (conn.mode.kind === 'slow') {
    const state = book.state(player);
    sendTo(conn, snapshotMessage(player, state, { conflated: true }), 'snapshot', metrics);
    conn.toldSeqs.set(player, state?.seq ?? 0);
    return;
  }
  if (fromSeq === undefined) {
    sendTo(conn, snapshotMessage(player, book.state(player)), 'snapshot', metrics);
  } else {
    const decision = book.resume(player, fromSeq);
    if (decision.kind === 'unknown') sendTo(conn, snapshotMessage(player, undefined), 'snapshot', metrics);
    else if (decision.kind === 'gap') sendTo(conn, snapshotMessage(player, decision.latest, { gap: true }), 'snapshot', metrics);
    else if (decision.kind === 'replay') {
      for (const tick of decision.ticks) {
        // A replay must not outrun the socket (nor let resume requests amplify into megabytes): past the soft limit, a gap snapshot replaces the rest.
        if ((conn.ws?.getBufferedAmount() ?? 0) > ctx.limits.softBackpressureBytes) {
          sendTo(conn, snapshotMessage(player, book.state(player), { gap: true }), 'snapshot', metrics);
          break;
        }
        sendTo(conn, tickMessage(tick, { seq: tick.seq - 1, priceCents: tick.previousPriceCents }, { replay: true }), 'tick', metrics);
      }
    }
  }
  // Subscribing after the catch-up, in the same synchronous turn: the next published tick follows what was just sent
  // (ticks still waiting for their frame are older than it: the batcher skips them for this connection).
  if (conn.ws) ctx.ticks.subscribe(conn, priceTopic(player));
}

/** Resumes every player of a connection from what slow mode told it. */
export function resumeAll(ctx: SessionContext, conn: Connection, from: ReadonlyMap<string, number>): void {
  for (const player of [...conn.players]) catchUp(ctx, conn, player, from.get(player));
}

function withinSubscriptionLimit(ctx: SessionContext, conn: Connection, players: string[], op: string): boolean {
  const added = players.filter((p) => !conn.players.has(p)).length;
  const max = ctx.limits.maxSubscriptionsPerConnection;
  if (conn.players.size + added <= max) return true;
  badRequest(ctx, conn, 'TOO_MANY_SUBSCRIPTIONS', `this would hold ${conn.players.size + added} players; at most ${max} per connection (unsubscribe some first)`, op);
  return false;
}

function badRequest(ctx: SessionContext, conn: Connection, name: ErrorName, message: string, op?: string): void {
  conn.protocolErrors += 1;
  sendError(conn, name, message, ctx.metrics, op);
  if (conn.protocolErrors >= ctx.limits.protocolErrorsBeforeClose) {
    closeWith(conn, CLOSE.PROTOCOL_VIOLATION, `${conn.protocolErrors} bad messages: fix the client`, ctx.metrics);
  }
}

function refuseForRate(ctx: SessionContext, conn: Connection, nowMs: number): void {
  conn.refusedInARow += 1;
  ctx.metrics.messagesDropped.inc({ reason: 'client_rate' });
  const { maxMessagesPerSecond, messageBurst, rateLimitedMessagesBeforeClose } = ctx.limits;
  if (conn.refusedInARow >= rateLimitedMessagesBeforeClose) {
    closeWith(conn, CLOSE.RATE_LIMITED, `${conn.refusedInARow} messages over the rate limit: back off, then reconnect`, ctx.metrics);
    return;
  }
  if (nowMs - conn.lastRateErrorAtMs < RATE_ERROR_INTERVAL_MS) return;
  conn.lastRateErrorAtMs = nowMs;
  sendError(conn, 'RATE_LIMITED', `over ${maxMessagesPerSecond} messages/s (burst ${messageBurst}): messages are being dropped`, ctx.metrics);
}
