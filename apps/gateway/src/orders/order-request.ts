// POST /orders input: the JSON body, Idempotency-Key and Prefer headers,
// validated before anything is written. Failures are values with stable codes
// (part of the public protocol, see README.md in this folder).
import { createHash } from 'node:crypto';
import { MAX_ORDER_QUANTITY } from '@inplay/domain';
import type { Side } from '@inplay/contracts';

export const MAX_ORDER_BODY_BYTES = 1_024;
export const MAX_IDEMPOTENCY_KEY_CHARS = 128;
/** Largest limit price accepted: 10 million cents. */
export const MAX_LIMIT_PRICE_CENTS = 10_000_000;
/** `Prefer: wait=N` is honoured up to this. */
export const MAX_PREFER_WAIT_MS = 10_000;

const PLAYER_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]+$/;
const FIELDS = new Set(['playerId', 'side', 'quantity', 'limitPrice']);

export type OrderRequestErrorCode =
  | 'BODY_TOO_LARGE' | 'BODY_NOT_JSON' | 'BODY_NOT_OBJECT' | 'FIELD_UNKNOWN' | 'PLAYER_ID_INVALID' | 'SIDE_INVALID'
  | 'QUANTITY_INVALID' | 'LIMIT_PRICE_INVALID' | 'IDEMPOTENCY_KEY_MISSING' | 'IDEMPOTENCY_KEY_INVALID';

export interface OrderRequestError {
  status: 400 | 413;
  code: OrderRequestErrorCode;
  message: string;
}

export interface OrderRequest {
  playerId: string;
  side: Side;
  quantity: number;
  limitPriceCents: number | null;
  /** SHA-256 of the canonical body: the same key with another body is refused. */
  bodyHash: string;
}

const fail = (code: OrderRequestErrorCode, message: string, status: 400 | 413 = 400) => ({ ok: false as const, error: { status, code, message } });

export function parseIdempotencyKey(header: string): { ok: true; key: string } | { ok: false; error: OrderRequestError } {
  if (header === '') return fail('IDEMPOTENCY_KEY_MISSING', 'an Idempotency-Key header is required');
  if (header.length > MAX_IDEMPOTENCY_KEY_CHARS || !IDEMPOTENCY_KEY.test(header)) {
    return fail('IDEMPOTENCY_KEY_INVALID', `Idempotency-Key: 1-${MAX_IDEMPOTENCY_KEY_CHARS} visible ASCII characters`);
  }
  return { ok: true, key: header };
}

export function parseOrderBody(body: Buffer): { ok: true; order: OrderRequest } | { ok: false; error: OrderRequestError } {
  if (body.length > MAX_ORDER_BODY_BYTES) return fail('BODY_TOO_LARGE', `the body must be at most ${MAX_ORDER_BODY_BYTES} bytes`, 413);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return fail('BODY_NOT_JSON', 'the body is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('BODY_NOT_OBJECT', 'the body must be a JSON object');
  const input = json as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) return fail('FIELD_UNKNOWN', `unknown field(s): ${unknown.join(', ')}`);
  const { playerId, side, quantity, limitPrice } = input;
  if (typeof playerId !== 'string' || !PLAYER_ID.test(playerId)) return fail('PLAYER_ID_INVALID', 'playerId: a string of 1-64 letters, digits, _ . : -');
  if (side !== 'buy' && side !== 'sell') return fail('SIDE_INVALID', 'side: "buy" or "sell"');
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_ORDER_QUANTITY) {
    return fail('QUANTITY_INVALID', `quantity: a whole number of shares in 1..${MAX_ORDER_QUANTITY}`);
  }
  if (limitPrice !== undefined && limitPrice !== null
    && (typeof limitPrice !== 'number' || !Number.isInteger(limitPrice) || limitPrice < 1 || limitPrice > MAX_LIMIT_PRICE_CENTS)) {
    return fail('LIMIT_PRICE_INVALID', `limitPrice: integer cents in 1..${MAX_LIMIT_PRICE_CENTS}, or omitted`);
  }
  const limitPriceCents = typeof limitPrice === 'number' ? limitPrice : null;
  const bodyHash = createHash('sha256').update(JSON.stringify([playerId, side, quantity, limitPriceCents])).digest('hex');
  return { ok: true, order: { playerId, side: side === 'buy' ? 'BUY' : 'SELL', quantity, limitPriceCents, bodyHash } };
}

/** `Prefer: wait=N` (RFC 7240, seconds) → milliseconds, capped at MAX_PREFER_WAIT_MS; 0 when absent. */
export function preferWaitMs(header: string): number {
  const match = /(?:^|[,;\s])wait\s*=\s*"?(\d+(?:\.\d+)?)"?/i.exec(header);
  if (!match?.[1]) return 0;
  return Math.min(MAX_PREFER_WAIT_MS, Math.round(Number(match[1]) * 1_000));
}
