// One client connection's state (uWS user data) and the guarded ways to write
// to it: a uWS WebSocket is valid only between open and close, so every write
// checks `closed` first.
import type { WebSocket } from 'uWebSockets.js';
import type { Identity } from '@inplay/auth';
import type { CloseCode, ErrorName } from '../protocol/codes';
import { errorMessage } from '../protocol/server-messages';
import type { GatewayMetrics } from '../metrics';
import type { SocketMode } from '../policy/backpressure';
import type { TokenBucket } from '../policy/rate-limit';

export interface AuthFailure {
  error: ErrorName;
  /** Null: the socket stays open and anonymous (AUTH_UNAVAILABLE: try again shortly). */
  close: CloseCode | null;
  message: string;
}

export interface Connection {
  readonly id: number;
  /** Set by a bearer subprotocol at the upgrade or an `auth` message; an `auth` with a fresh token of the same user replaces the identity. */
  userId: string | null;
  identity: Identity | null;
  tokenExpiresAtMs: number | null;
  /** Counts `auth` messages: only the latest one's verification is applied. */
  authAttempts: number;
  /** A token was offered at the upgrade and failed: the socket is told why (and closed) on open. */
  readonly authFailure: AuthFailure | null;
  ws: WebSocket<Connection> | null;
  /** uWS's maxBackpressure for this socket: past it uWS drops every send, the close frame included. */
  readonly maxBufferedBytes: number;
  closed: boolean;
  readonly players: Set<string>;
  mode: SocketMode;
  /** In slow mode, the seq the last snapshot of each player told the client. */
  readonly toldSeqs: Map<string, number>;
  lastSlowSnapshotAtMs: number;
  readonly bucket: TokenBucket;
  refusedInARow: number;
  lastRateErrorAtMs: number;
  protocolErrors: number;
}

let nextConnectionId = 1;

export function newConnection(identity: Identity | null, authFailure: AuthFailure | null, bucket: TokenBucket, maxBufferedBytes: number): Connection {
  return {
    id: nextConnectionId++,
    userId: identity?.userId ?? null,
    identity,
    tokenExpiresAtMs: identity?.expiresAt ?? null,
    authAttempts: 0,
    authFailure,
    ws: null,
    maxBufferedBytes,
    closed: false,
    players: new Set(),
    mode: { kind: 'live' },
    toldSeqs: new Map(),
    lastSlowSnapshotAtMs: 0,
    bucket,
    refusedInARow: 0,
    lastRateErrorAtMs: Number.NEGATIVE_INFINITY,
    protocolErrors: 0,
  };
}

/** Sends one message; false when the socket is gone or uWS dropped it (past maxBackpressure). */
export function sendTo(conn: Connection, message: string, type: string, metrics: GatewayMetrics): boolean {
  if (conn.closed || !conn.ws) return false;
  const status = conn.ws.send(message, false);
  if (status === 2) {
    metrics.messagesDropped.inc({ reason: 'backpressure' });
    return false;
  }
  metrics.messagesSent.inc({ type });
  return true;
}

/**
 * One frame of ticks from the batcher (counted by the batcher, not here: this is the hot path).
 * A send uWS refuses (past maxBackpressure) counts as dropped; the sweep closes such a socket.
 */
export function sendFrame(conn: Connection, frame: string, metrics: GatewayMetrics): void {
  if (conn.closed || !conn.ws) return;
  if (conn.ws.send(frame, false) === 2) metrics.messagesDropped.inc({ reason: 'backpressure' });
}

export function sendError(conn: Connection, name: ErrorName, message: string, metrics: GatewayMetrics, op?: string): void {
  metrics.clientErrors.inc({ name });
  sendTo(conn, errorMessage(name, message, op), 'error', metrics);
}

/**
 * Closes with a close frame (sent after anything still buffered). Close reasons
 * are at most 123 bytes. A socket already past uWS's limit would have its close
 * frame dropped and linger until uWS's timeout: it is dropped at once (1006).
 */
export function closeWith(conn: Connection, code: CloseCode, reason: string, metrics: GatewayMetrics): void {
  if (conn.closed || !conn.ws) return;
  if (conn.ws.getBufferedAmount() > conn.maxBufferedBytes) {
    metrics.closes.inc({ code: '1006' });
    conn.ws.close();
    return;
  }
  metrics.closes.inc({ code: String(code) });
  conn.ws.end(code, reason.slice(0, 123));
}
