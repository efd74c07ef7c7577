// POST /orders input fuzzed: whatever the body and headers, the parsers answer
// a coded 400/413 or a value inside every limit, and never throw.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_ORDER_QUANTITY } from '@inplay/domain';
import { hostileBody, hostileString, mutatedJson } from '@inplay/testing/fuzz';
import {
  MAX_IDEMPOTENCY_KEY_CHARS, MAX_LIMIT_PRICE_CENTS, MAX_ORDER_BODY_BYTES, MAX_PREFER_WAIT_MS, parseIdempotencyKey, parseOrderBody, preferWaitMs,
  type OrderRequestErrorCode,
} from './order-request';

const RUNS = { numRuns: 1_000 };
const BODY_CODES: OrderRequestErrorCode[] = ['BODY_TOO_LARGE', 'BODY_NOT_JSON', 'BODY_NOT_OBJECT', 'FIELD_UNKNOWN', 'PLAYER_ID_INVALID', 'SIDE_INVALID', 'QUANTITY_INVALID', 'LIMIT_PRICE_INVALID'];
const VALID = { playerId: 'p1', side: 'buy', quantity: 3, limitPrice: 1_250 };

function expectCleanBodyVerdict(body: Buffer): void {
  const parsed = parseOrderBody(body);
  if (parsed.ok) {
    const { order } = parsed;
    expect(body.length).toBeLessThanOrEqual(MAX_ORDER_BODY_BYTES);
    expect(order.playerId).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
    expect(['BUY', 'SELL']).toContain(order.side);
    expect(Number.isSafeInteger(order.quantity) && order.quantity >= 1 && order.quantity <= MAX_ORDER_QUANTITY).toBe(true);
    if (order.limitPriceCents !== null) expect(Number.isSafeInteger(order.limitPriceCents) && order.limitPriceCents >= 1 && order.limitPriceCents <= MAX_LIMIT_PRICE_CENTS).toBe(true);
    expect(order.bodyHash).toMatch(/^[0-9a-f]{64}$/);
  } else {
    expect(BODY_CODES).toContain(parsed.error.code);
    expect(parsed.error.status).toBe(parsed.error.code === 'BODY_TOO_LARGE' ? 413 : 400);
    expect(parsed.error.message.length).toBeGreaterThan(0);
  }
}

describe('the order body parser, fuzzed', () => {
  it('answers any bytes with a coded 400/413 or an order inside every limit', () => {
    fc.assert(fc.property(hostileBody(VALID), (body) => expectCleanBodyVerdict(body)), RUNS);
  });

  it('refuses a valid body with one field wrong, missing, repeated or added, naming the field', () => {
    fc.assert(fc.property(mutatedJson(VALID), (text) => {
      const body = Buffer.from(text, 'utf8');
      expectCleanBodyVerdict(body);
      const parsed = parseOrderBody(body);
      // Only a mutation that still reads as a valid order may pass (a dropped limitPrice, a repeated field with a valid value).
      if (parsed.ok) expect(JSON.parse(text)).toMatchObject({ playerId: expect.any(String), side: expect.stringMatching(/^(buy|sell)$/) });
    }), RUNS);
  });

  it.each([
    ['a prototype key', '{"playerId":"p1","side":"buy","quantity":1,"__proto__":{"quantity":5}}', 'FIELD_UNKNOWN'],
    ['constructor', '{"playerId":"p1","side":"buy","quantity":1,"constructor":1}', 'FIELD_UNKNOWN'],
    ['an overflowing quantity (1e400 is Infinity)', '{"playerId":"p1","side":"buy","quantity":1e400}', 'QUANTITY_INVALID'],
    ['an unsafe integer quantity', '{"playerId":"p1","side":"buy","quantity":9007199254740993}', 'QUANTITY_INVALID'],
    ['negative zero as a limit price', '{"playerId":"p1","side":"buy","quantity":1,"limitPrice":-0}', 'LIMIT_PRICE_INVALID'],
    ['a NUL in the player id', '{"playerId":"p\\u0000","side":"buy","quantity":1}', 'PLAYER_ID_INVALID'],
    ['a lone surrogate in the player id', '{"playerId":"\\ud800","side":"buy","quantity":1}', 'PLAYER_ID_INVALID'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'BODY_NOT_JSON'],
    ['deeply nested arrays', `${'['.repeat(500)}${']'.repeat(500)}`, 'BODY_NOT_OBJECT'],
  ] as const)('refuses %s with %s', (_what, body, code) => {
    expect(parseOrderBody(Buffer.isBuffer(body) ? body : Buffer.from(body))).toMatchObject({ ok: false, error: { code } });
  });

  it('reads the same order from equivalent bodies (key order, spacing, 1.0 for 1) with the same hash', () => {
    const a = parseOrderBody(Buffer.from('{"playerId":"p1","side":"sell","quantity":2}'));
    const b = parseOrderBody(Buffer.from(' { "quantity" : 2.0 , "side":"sell", "playerId":"p1", "limitPrice": null } '));
    expect(a.ok && b.ok && a.order.bodyHash === b.order.bodyHash).toBe(true);
  });
});

describe('the Idempotency-Key header, fuzzed', () => {
  it('is either taken as is (1-128 visible ASCII characters) or refused with a 400 code', () => {
    fc.assert(fc.property(fc.oneof(hostileString(200), fc.string({ unit: fc.constantFrom(...'!~az09-_. '), minLength: 100, maxLength: 140 })), (header) => {
      const parsed = parseIdempotencyKey(header);
      if (parsed.ok) {
        expect(parsed.key).toBe(header);
        expect(header).toMatch(new RegExp(`^[\\x21-\\x7e]{1,${MAX_IDEMPOTENCY_KEY_CHARS}}$`));
      } else {
        expect(parsed.error.status).toBe(400);
        expect(parsed.error.code).toBe(header === '' ? 'IDEMPOTENCY_KEY_MISSING' : 'IDEMPOTENCY_KEY_INVALID');
      }
    }), RUNS);
  });
});

describe('the Prefer header, fuzzed', () => {
  const preferLike = fc.oneof(
    hostileString(),
    fc.tuple(fc.constantFrom('', 'respond-async, ', 'return=minimal; ', ' '), fc.constantFrom('wait', 'WAIT', 'Wait ', 'xwait'), fc.constantFrom('=', ' = ', '=='),
      fc.oneof(fc.constantFrom('"3"', '1e400', '-1', 'NaN', '0.0001', '9'.repeat(400), '3.', '.5', '10.5', ''), fc.nat().map(String), hostileString(8)))
      .map(([prefix, name, eq, value]) => `${prefix}${name}${eq}${value}`),
  );

  it('gives a whole number of ms in [0, MAX_PREFER_WAIT_MS], whatever it says', () => {
    fc.assert(fc.property(preferLike, (header) => {
      const waitMs = preferWaitMs(header);
      expect(Number.isSafeInteger(waitMs) && waitMs >= 0 && waitMs <= MAX_PREFER_WAIT_MS).toBe(true);
    }), RUNS);
  });

  it.each([
    ['wait=3', 3_000], ['respond-async, wait=0.25', 250], [`wait=${'9'.repeat(400)}`, MAX_PREFER_WAIT_MS], ['wait=-1', 0], ['wait=NaN', 0], ['', 0],
  ] as const)('reads %s as %i ms', (header, ms) => {
    expect(preferWaitMs(header)).toBe(ms);
  });
});
