// The WebSocket endpoint (/ws) on the uWS app: upgrade checks (draining,
// origin, connection limit, a bearer subprotocol), the `auth` message that makes
// a socket its user's, the connection lifecycle, and the periodic sweep that
// applies the slow-consumer policy, token expiry and revocation.
import uWS from 'uWebSockets.js';
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, us_socket_context_t } from 'uWebSockets.js';
import type { Identity } from '@inplay/auth';
import type { Logger } from '@inplay/telemetry';
import type { GatewayConfig } from '../config';
import type { GatewayMetrics } from '../metrics';
import type { Fanout } from '../fanout/fanout';
import { priceTopic, userTopic } from '../fanout/fanout';
import { MATCH_TOPIC } from '../fanout/match-board';
import type { PriceBook } from '../fanout/price-book';
import type { TickBatcher } from '../fanout/tick-batcher';
import { BEARER_SUBPROTOCOL_PREFIX, CLOSE, SUBPROTOCOL } from '../protocol/codes';
import { authenticatedMessage, helloMessage, snapshotMessage } from '../protocol/server-messages';
import type { TokenCheck, TokenGuard } from '../auth/token-guard';
import { decideBackpressure } from '../policy/backpressure';
import { fullBucket } from '../policy/rate-limit';
import { closeWith, newConnection, sendError, sendTo, type AuthFailure, type Connection } from './connection';
import { handleMessage, resumeAll, type SessionContext } from './requests';

export const WS_PATH = '/ws';
/** uWS drops a client frame past this many times maxFrameBytes by closing the TCP connection (no close frame). */
export const OVERSIZE_FRAME_CAP_FACTOR = 16;
/**
 * uWS's own limit (it silently drops publishes past it) sits well above our hard
 * limit, so the sweep closes a socket with our code before uWS ever drops. The
 * close frame is a send like any other: past uWS's limit it is dropped too, and
 * the client would only see the TCP connection die later (1006). Between two
 * sweeps a burst of ticks lands in the buffer at once, so the headroom must hold
 * a burst, not just the hard limit (2x was measured too small: a 1.4 MB round of
 * ticks jumped a 256 KiB hard limit past 512 KiB and the 4001 never arrived).
 */
export const UWS_BACKPRESSURE_HEADROOM_FACTOR = 8;
export const RETRY_AFTER_SECONDS = 1;

export interface SocketServerOptions {
  app: TemplatedApp;
  config: GatewayConfig;
  book: PriceBook;
  fanout: Fanout;
  ticks: TickBatcher<Connection>;
  metrics: GatewayMetrics;
  logger: Logger;
  tokens: TokenGuard;
  now: () => number;
}

export class SocketServer {
  readonly connections = new Set<Connection>();
  private pendingUpgrades = 0;
  private draining = false;
  private slowCount = 0;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly session: SessionContext;
  private readonly maxBufferedBytes: number;

  constructor(private readonly options: SocketServerOptions) {
    const { config, book, metrics, now, ticks } = options;
    const limits = config.limits;
    this.session = { book, limits, metrics, now, ticks, authenticate: (conn, token) => this.authenticate(conn, token) };
    this.maxBufferedBytes = limits.hardBackpressureBytes * UWS_BACKPRESSURE_HEADROOM_FACTOR;
    options.app.ws<Connection>(WS_PATH, {
      maxPayloadLength: limits.maxFrameBytes * OVERSIZE_FRAME_CAP_FACTOR,
      idleTimeout: limits.idleTimeoutSeconds,
      sendPingsAutomatically: true,
      maxBackpressure: this.maxBufferedBytes,
      // Off (uWS types this flag as a number): the sweep closes with our own code instead.
      closeOnBackpressureLimit: 0,
      compression: uWS.DISABLED,
      upgrade: (res, req, context) => this.upgrade(res, req, context),
      open: (ws) => this.open(ws),
      message: (ws, message, isBinary) => handleMessage(this.session, ws.getUserData(), message, isBinary),
      drain: (ws) => this.applyPolicy(ws.getUserData(), now()),
      close: (ws) => this.closed(ws.getUserData()),
    });
    this.sweepTimer = setInterval(() => this.sweep(), limits.backpressureSweepMs);
  }

  get slowConsumers(): number {
    return this.slowCount;
  }

  /** Refuses new sockets and closes every open one with SERVER_GOING_AWAY (reconnect elsewhere and resume). */
  beginShutdown(): void {
    this.draining = true;
    clearInterval(this.sweepTimer);
    for (const conn of this.connections) closeWith(conn, CLOSE.SERVER_GOING_AWAY, 'server going away: reconnect and resume', this.options.metrics);
  }

  private upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void {
    const { config, metrics } = this.options;
    // Everything from req is read now: it is only valid during this call.
    const key = req.getHeader('sec-websocket-key');
    const extensions = req.getHeader('sec-websocket-extensions');
    const origin = req.getHeader('origin');
    const offered = req.getHeader('sec-websocket-protocol').split(',').map((p) => p.trim()).filter(Boolean);
    // A token in the URL ends up in proxy and server logs: refused (the socket is told so and closed), never read.
    const tokenInUrl = req.getQuery('token') !== undefined;
    const token = offered.find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX))?.slice(BEARER_SUBPROTOCOL_PREFIX.length);
    const protocol = offered.includes(SUBPROTOCOL) ? SUBPROTOCOL : (offered[0] ?? '');

    if (this.draining) return refuse(res, metrics, '503 Service Unavailable', 'SERVER_DRAINING', 'this gateway is shutting down: connect to another one');
    if (origin && !config.allowedOrigins.includes('*') && !config.allowedOrigins.includes(origin)) {
      return refuse(res, metrics, '403 Forbidden', 'ORIGIN_NOT_ALLOWED', `origin ${origin} may not open sockets here`);
    }
    if (this.connections.size + this.pendingUpgrades >= config.limits.maxConnectionsPerInstance) {
      return refuse(res, metrics, '503 Service Unavailable', 'SERVER_FULL', `this gateway holds its maximum of ${config.limits.maxConnectionsPerInstance} connections: retry or use another`);
    }
    const bucket = fullBucket(config.limits, this.options.now());
    if (tokenInUrl) {
      const failure: AuthFailure = { error: 'TOKEN_IN_URL', close: CLOSE.AUTH_FAILED, message: 'a token in the URL is refused (URLs are logged): send {"op":"auth","token":…} after connecting, or offer the bearer.<token> subprotocol' };
      res.upgrade(newConnection(null, failure, bucket, this.maxBufferedBytes), key, protocol, extensions, context);
      return;
    }
    if (!token) {
      res.upgrade(newConnection(null, null, bucket, this.maxBufferedBytes), key, protocol, extensions, context);
      return;
    }
    let aborted = false;
    this.pendingUpgrades += 1;
    res.onAborted(() => { aborted = true; });
    this.options.tokens.check(token).then(
      (result) => {
        this.pendingUpgrades -= 1;
        if (aborted) return;
        const { identity, failure } = authOutcome(result);
        res.cork(() => res.upgrade(newConnection(identity, failure, bucket, this.maxBufferedBytes), key, protocol, extensions, context));
      },
      (err: unknown) => {
        this.pendingUpgrades -= 1;
        this.options.logger.error({ err }, 'token verification failed unexpectedly');
        if (!aborted) res.cork(() => refuse(res, metrics, '500 Internal Server Error', 'INTERNAL', 'could not verify the token'));
      },
    );
  }

  private open(ws: WebSocket<Connection>): void {
    const conn = ws.getUserData();
    const { config, metrics } = this.options;
    conn.ws = ws;
    this.connections.add(conn);
    metrics.connections.inc({ auth: conn.userId ? 'user' : 'anonymous' });
    if (conn.authFailure?.close) {
      sendError(conn, conn.authFailure.error, conn.authFailure.message, metrics);
      closeWith(conn, conn.authFailure.close, conn.authFailure.message, metrics);
      return;
    }
    if (this.draining) {
      closeWith(conn, CLOSE.SERVER_GOING_AWAY, 'server going away: reconnect and resume', metrics);
      return;
    }
    const { limits } = config;
    sendTo(conn, helloMessage(config.serverId, conn.userId, {
      maxSubscriptionsPerConnection: limits.maxSubscriptionsPerConnection,
      maxFrameBytes: limits.maxFrameBytes,
      maxMessagesPerSecond: limits.maxMessagesPerSecond,
      messageBurst: limits.messageBurst,
      conflateMs: limits.conflateMs,
      idleTimeoutSeconds: limits.idleTimeoutSeconds,
    }), 'hello', metrics);
    ws.subscribe(MATCH_TOPIC);
    if (conn.authFailure) sendError(conn, conn.authFailure.error, conn.authFailure.message, metrics);
    if (conn.identity) this.joinUserChannel(conn, conn.identity.userId);
  }

  /** An `auth` message: the latest one's verification is applied, if the socket is still open. */
  private authenticate(conn: Connection, token: string): void {
    const attempt = ++conn.authAttempts;
    this.options.tokens.check(token).then(
      (result) => {
        if (conn.closed || !conn.ws || attempt !== conn.authAttempts) return;
        conn.ws.cork(() => this.applyAuth(conn, result));
      },
      (err: unknown) => {
        this.options.logger.error({ err }, 'token verification failed unexpectedly');
        if (!conn.closed) sendError(conn, 'AUTH_UNAVAILABLE', 'the token could not be checked: try again', this.options.metrics);
      },
    );
  }

  private applyAuth(conn: Connection, result: TokenCheck): void {
    const { metrics } = this.options;
    const { identity, failure } = authOutcome(result);
    if (failure) {
      sendError(conn, failure.error, failure.message, metrics, 'auth');
      // AUTH_UNAVAILABLE keeps the socket (and any identity it already had, until that token expires).
      if (failure.close) closeWith(conn, failure.close, failure.message, metrics);
      return;
    }
    if (!identity) return;
    if (conn.userId !== null && conn.userId !== identity.userId) {
      const message = `this socket is ${conn.userId}'s: a token of another user needs a new connection`;
      sendError(conn, 'USER_MISMATCH', message, metrics, 'auth');
      closeWith(conn, CLOSE.AUTH_FAILED, message, metrics);
      return;
    }
    const wasAnonymous = conn.userId === null;
    conn.identity = identity;
    conn.tokenExpiresAtMs = identity.expiresAt;
    sendTo(conn, authenticatedMessage(identity.userId, identity.expiresAt), 'authenticated', metrics);
    // A refreshed token of the same user changes nothing else: subscriptions and seqs stay as they are.
    if (wasAnonymous) {
      metrics.connections.dec({ auth: 'anonymous' });
      metrics.connections.inc({ auth: 'user' });
      this.joinUserChannel(conn, identity.userId);
    }
  }

  /** The user's private channel (order results, leaderboard positions): only ever the socket's own user. */
  private joinUserChannel(conn: Connection, userId: string): void {
    const { fanout, metrics } = this.options;
    conn.userId = userId;
    conn.ws?.subscribe(userTopic(userId));
    fanout.userConnected(userId);
    for (const message of fanout.positionsOf(userId)) sendTo(conn, message, 'leaderboard', metrics);
  }

  private closed(conn: Connection): void {
    conn.closed = true;
    conn.ws = null;
    if (!this.connections.delete(conn)) return;
    for (const player of conn.players) this.options.ticks.unsubscribe(conn, priceTopic(player));
    this.options.metrics.connections.dec({ auth: conn.userId ? 'user' : 'anonymous' });
    if (conn.mode.kind === 'slow') this.setSlow(-1);
    if (conn.userId) this.options.fanout.userDisconnected(conn.userId);
  }

  private sweep(): void {
    const nowMs = this.options.now();
    for (const conn of this.connections) {
      if (conn.tokenExpiresAtMs !== null && nowMs >= conn.tokenExpiresAtMs) {
        sendError(conn, 'TOKEN_EXPIRED', 'the token has expired: send a fresh one with auth before it does, or log in again and reconnect', this.options.metrics);
        closeWith(conn, CLOSE.TOKEN_EXPIRED, 'token expired', this.options.metrics);
        continue;
      }
      // From memory: a token revoked anywhere closes its sockets within revocationRefreshMs (plus this sweep).
      if (conn.identity && this.options.tokens.refusalOf(conn.identity) === 'TOKEN_REVOKED') {
        sendError(conn, 'TOKEN_REVOKED', 'the token was revoked: log in again', this.options.metrics);
        closeWith(conn, CLOSE.TOKEN_REVOKED, 'token revoked', this.options.metrics);
        continue;
      }
      this.applyPolicy(conn, nowMs);
    }
  }

  /** The slow-consumer policy for one socket (policy/backpressure.ts decides; this applies). */
  private applyPolicy(conn: Connection, nowMs: number): void {
    const ws = conn.ws;
    if (conn.closed || !ws) return;
    const { metrics, config, book } = this.options;
    const action = decideBackpressure(conn.mode, ws.getBufferedAmount(), nowMs, config.limits);
    switch (action) {
      case 'close-hard':
        metrics.backpressureCloses.inc({ code: String(CLOSE.BACKPRESSURE_LIMIT) });
        closeWith(conn, CLOSE.BACKPRESSURE_LIMIT, 'too far behind: reconnect and resume', metrics);
        return;
      case 'close-slow':
        metrics.backpressureCloses.inc({ code: String(CLOSE.SLOW_CONSUMER) });
        closeWith(conn, CLOSE.SLOW_CONSUMER, 'too slow for too long: reconnect and resume', metrics);
        return;
      case 'enter-slow':
        conn.mode = { kind: 'slow', sinceMs: nowMs };
        conn.toldSeqs.clear();
        conn.lastSlowSnapshotAtMs = nowMs;
        for (const player of conn.players) this.options.ticks.unsubscribe(conn, priceTopic(player));
        this.setSlow(+1);
        return;
      case 'leave-slow': {
        conn.mode = { kind: 'live' };
        const told = new Map(conn.toldSeqs);
        conn.toldSeqs.clear();
        this.setSlow(-1);
        ws.cork(() => resumeAll(this.session, conn, told));
        return;
      }
      case 'stay':
        if (conn.mode.kind !== 'slow' || nowMs - conn.lastSlowSnapshotAtMs < config.limits.slowSnapshotIntervalMs) return;
        conn.lastSlowSnapshotAtMs = nowMs;
        ws.cork(() => {
          for (const player of conn.players) {
            const state = book.state(player);
            if (!state || conn.toldSeqs.get(player) === state.seq) continue;
            conn.toldSeqs.set(player, state.seq);
            sendTo(conn, snapshotMessage(player, state, { conflated: true }), 'snapshot', metrics);
          }
        });
        return;
    }
  }

  private setSlow(delta: number): void {
    this.slowCount += delta;
    this.options.metrics.slowConsumers.set(this.slowCount);
  }
}

function authOutcome(result: TokenCheck): { identity: Identity | null; failure: AuthFailure | null } {
  if (result.ok) return { identity: result.identity, failure: null };
  const failure = (error: AuthFailure['error'], close: AuthFailure['close']) => ({ identity: null, failure: { error, close, message: result.message } });
  switch (result.code) {
    case 'TOKEN_EXPIRED': return failure('TOKEN_EXPIRED', CLOSE.TOKEN_EXPIRED);
    case 'TOKEN_MALFORMED': return failure('TOKEN_MALFORMED', CLOSE.AUTH_FAILED);
    case 'TOKEN_MISSING':
    case 'TOKEN_INVALID': return failure('TOKEN_INVALID', CLOSE.AUTH_FAILED);
    case 'TOKEN_REVOKED': return failure('TOKEN_REVOKED', CLOSE.TOKEN_REVOKED);
    case 'AUTH_UNAVAILABLE': return failure('AUTH_UNAVAILABLE', null);
  }
}

function refuse(res: HttpResponse, metrics: GatewayMetrics, status: string, code: string, message: string): void {
  metrics.upgradesRefused.inc({ reason: code });
  res.writeStatus(status).writeHeader('content-type', 'application/json');
  if (status.startsWith('503')) res.writeHeader('retry-after', String(RETRY_AFTER_SECONDS));
  res.end(JSON.stringify({ error: { code, message } }));
}
