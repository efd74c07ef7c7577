// GET /orders: the caller's own orders, newest first, a page at a time. The
// query (limit, before) is parsed here, pure; the cursor is opaque to clients
// (base64url of "<placedAt ms>:<orderId>", the last order of the page before)
// and points into the keyset (placed_at, order_id) descending.

/** Orders per page unless `limit` says otherwise. */
export const DEFAULT_ORDER_PAGE_LIMIT = 20;
/** Most orders one page may hold. */
export const MAX_ORDER_PAGE_LIMIT = 100;
/** Longest cursor accepted, in characters (a real one is well under: 13 digits, a colon, an order id). */
export const MAX_ORDER_CURSOR_CHARS = 256;

const QUERY_PARAMETERS = new Set(['limit', 'before']);
const CURSOR = /^[A-Za-z0-9_-]+$/;
const CURSOR_BODY = /^(\d{1,15}):([\x21-\x7e]{1,128})$/;

/** Where a page starts: strictly older than this order. */
export interface OrderCursor { placedAt: number; orderId: string }

export type OrderListQueryErrorCode = 'PARAMETER_UNKNOWN' | 'LIMIT_INVALID' | 'CURSOR_INVALID';

export interface OrderListQueryError {
  status: 400;
  code: OrderListQueryErrorCode;
  /** Names the parameter at fault. */
  message: string;
}

export type OrderListQuery = { ok: true; limit: number; before: OrderCursor | null } | { ok: false; error: OrderListQueryError };

const fail = (code: OrderListQueryErrorCode, message: string): OrderListQuery => ({ ok: false, error: { status: 400, code, message } });

export function encodeOrderCursor(cursor: OrderCursor): string {
  return Buffer.from(`${cursor.placedAt}:${cursor.orderId}`, 'utf8').toString('base64url');
}

export function decodeOrderCursor(text: string): OrderCursor | null {
  if (text.length === 0 || text.length > MAX_ORDER_CURSOR_CHARS || !CURSOR.test(text)) return null;
  const match = CURSOR_BODY.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match) return null;
  const placedAt = Number(match[1]);
  if (!Number.isSafeInteger(placedAt)) return null;
  // Only a cursor this gateway wrote round-trips: any other spelling of the same bytes is refused, not guessed at.
  const cursor = { placedAt, orderId: match[2] as string };
  return encodeOrderCursor(cursor) === text ? cursor : null;
}

/** `limit` (1..MAX_ORDER_PAGE_LIMIT, default DEFAULT_ORDER_PAGE_LIMIT) and `before` (a cursor from a previous page); nothing else, each at most once. */
export function parseOrderListQuery(query: URLSearchParams): OrderListQuery {
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (!QUERY_PARAMETERS.has(name)) return fail('PARAMETER_UNKNOWN', `${JSON.stringify(name.slice(0, 64))}: not a parameter of GET /orders (limit, before)`);
    if (seen.has(name)) return fail(name === 'limit' ? 'LIMIT_INVALID' : 'CURSOR_INVALID', `${name}: given more than once`);
    seen.add(name);
  }
  const rawLimit = query.get('limit');
  const limit = rawLimit === null ? DEFAULT_ORDER_PAGE_LIMIT : /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ORDER_PAGE_LIMIT) return fail('LIMIT_INVALID', `limit: an integer in 1..${MAX_ORDER_PAGE_LIMIT}`);
  const rawBefore = query.get('before');
  if (rawBefore === null) return { ok: true, limit, before: null };
  const before = decodeOrderCursor(rawBefore);
  if (!before) return fail('CURSOR_INVALID', 'before: not a cursor this API gave (use nextCursor of the previous page)');
  return { ok: true, limit, before };
}
