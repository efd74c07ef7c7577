// GET /orders' query: limit and before parsed and refused by name; cursors round-trip and nothing else passes.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ORDER_PAGE_LIMIT, MAX_ORDER_PAGE_LIMIT, decodeOrderCursor, encodeOrderCursor, parseOrderListQuery } from './order-list';

const parse = (query: string) => parseOrderListQuery(new URLSearchParams(query));

describe('parseOrderListQuery', () => {
  it('defaults the limit and starts at the newest order', () => {
    expect(parse('')).toEqual({ ok: true, limit: DEFAULT_ORDER_PAGE_LIMIT, before: null });
  });

  it('takes a limit in range and a cursor it gave', () => {
    const before = encodeOrderCursor({ placedAt: 1_733_200_000_123, orderId: '9b2f-uuid' });
    expect(parse(`limit=${MAX_ORDER_PAGE_LIMIT}&before=${before}`)).toEqual({ ok: true, limit: MAX_ORDER_PAGE_LIMIT, before: { placedAt: 1_733_200_000_123, orderId: '9b2f-uuid' } });
    expect(parse('limit=1')).toMatchObject({ ok: true, limit: 1 });
  });

  it.each([
    ['limit=0', 'LIMIT_INVALID', /^limit:/],
    [`limit=${MAX_ORDER_PAGE_LIMIT + 1}`, 'LIMIT_INVALID', /^limit:/],
    ['limit=-1', 'LIMIT_INVALID', /^limit:/],
    ['limit=2.5', 'LIMIT_INVALID', /^limit:/],
    ['limit=1e1', 'LIMIT_INVALID', /^limit:/],
    ['limit=', 'LIMIT_INVALID', /^limit:/],
    ['limit=ten', 'LIMIT_INVALID', /^limit:/],
    ['limit=1&limit=2', 'LIMIT_INVALID', /^limit: given more than once/],
    ['before=', 'CURSOR_INVALID', /^before:/],
    ['before=not%20base64', 'CURSOR_INVALID', /^before:/],
    [`before=${Buffer.from('yesterday:abc').toString('base64url')}`, 'CURSOR_INVALID', /^before:/],
    [`before=${Buffer.from('123').toString('base64url')}`, 'CURSOR_INVALID', /^before:/],
    [`before=${'A'.repeat(300)}`, 'CURSOR_INVALID', /^before:/],
    ['offset=10', 'PARAMETER_UNKNOWN', /^"offset": not a parameter/],
    ['userId=someone-else', 'PARAMETER_UNKNOWN', /^"userId": not a parameter/],
  ])('refuses %s with %s, naming the parameter', (query, code, message) => {
    const parsed = parse(query);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ status: 400, code });
    expect(parsed.error.message).toMatch(message);
  });
});

describe('order cursors', () => {
  it('round-trip', () => {
    const cursor = { placedAt: 42, orderId: 'a:b-c' };
    expect(decodeOrderCursor(encodeOrderCursor(cursor))).toEqual(cursor);
  });

  it('refuse another spelling of the same bytes (base64 padding) and unsafe numbers', () => {
    const good = encodeOrderCursor({ placedAt: 1, orderId: 'x' });
    expect(decodeOrderCursor(`${good}=`)).toBeNull();
    expect(decodeOrderCursor(Buffer.from('999999999999999:x').toString('base64url'))).toEqual({ placedAt: 999_999_999_999_999, orderId: 'x' });
    expect(decodeOrderCursor(Buffer.from('9999999999999999:x').toString('base64url'))).toBeNull();
  });
});
