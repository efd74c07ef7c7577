// The gateway's stable wire codes (docs/protocol.md). Numbers never change
// meaning; new codes take the next free number of their range.

export const PROTOCOL_VERSION = 1;
/** Sec-WebSocket-Protocol a client may offer; a token may ride as "bearer.<jwt>" (or come in an `auth` message). */
export const SUBPROTOCOL = 'inplay.v1';
export const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';

/**
 * WebSocket close codes (RFC 6455 private range 4000-4999).
 * 4000-4099: reconnect (with backoff) and resume from the last seq held.
 * 4100-4199: do not reconnect as is: fix the token or the client first.
 */
export const CLOSE = {
  SERVER_GOING_AWAY: 4000,
  BACKPRESSURE_LIMIT: 4001,
  SLOW_CONSUMER: 4002,
  RATE_LIMITED: 4003,
  AUTH_FAILED: 4100,
  TOKEN_EXPIRED: 4101,
  PROTOCOL_VIOLATION: 4102,
  TOKEN_REVOKED: 4103,
} as const;
export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

export const CLOSE_RECONNECT_RANGE = { from: 4000, to: 4099 } as const;
export const CLOSE_DO_NOT_RECONNECT_RANGE = { from: 4100, to: 4199 } as const;

export function shouldReconnect(closeCode: number): boolean {
  return !(closeCode >= CLOSE_DO_NOT_RECONNECT_RANGE.from && closeCode <= CLOSE_DO_NOT_RECONNECT_RANGE.to);
}

/**
 * Codes of `error` messages. The connection stays open unless a close follows.
 * 100-199: the request was wrong; fix it, retrying the same will fail again.
 * 200-299: throttled; retry later.
 * 300-399: authentication (always followed by a close).
 */
export const ERROR = {
  BAD_JSON: 100,
  BAD_MESSAGE: 101,
  UNKNOWN_OP: 102,
  BINARY_NOT_SUPPORTED: 103,
  TOO_MANY_SUBSCRIPTIONS: 104,
  FRAME_TOO_LARGE: 105,
  RATE_LIMITED: 200,
  AUTH_UNAVAILABLE: 201,
  TOKEN_MALFORMED: 300,
  TOKEN_EXPIRED: 301,
  TOKEN_INVALID: 302,
  TOKEN_REVOKED: 303,
  TOKEN_IN_URL: 304,
  USER_MISMATCH: 305,
} as const;
export type ErrorName = keyof typeof ERROR;
