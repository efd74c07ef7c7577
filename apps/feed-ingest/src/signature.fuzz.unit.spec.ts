// Webhook signature headers fuzzed: any X-Inplay-Timestamp and
// X-Inplay-Signature give a coded refusal, and only the HMAC of this very
// body and timestamp, within the allowed age, passes. Nothing throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostileString } from '@inplay/testing/fuzz';
import { MAX_SIGNATURE_AGE_MS, SIGNATURE_SCHEME, signWebhook, verifyWebhookSignature } from './signature';

const SECRET = 'a-test-secret-of-32-characters!!';
const NOW = 1_700_000_000_000;
const RUNS = { numRuns: 1_000 };

describe('webhook signature headers, fuzzed', () => {
  const timestamp = fc.oneof(
    fc.integer({ min: NOW - 2 * MAX_SIGNATURE_AGE_MS, max: NOW + 2 * MAX_SIGNATURE_AGE_MS }).map(String),
    fc.constantFrom('', '0', '-1', '1e12', ' 1700000000000', '1700000000000 ', '17000000000000000', '9'.repeat(17), '0x1', '١٧'),
    hostileString(24),
  );
  const body = fc.uint8Array({ maxLength: 128 }).map((b) => Buffer.from(b));

  it.each([
    ['trailing garbage after the hex digits', 'zz'],
    ['an odd trailing hex digit', '0'],
  ])('refuses a right signature with %s (Buffer.from(hex) stopped at it and passed)', (_what, tail) => {
    const raw = Buffer.from('{}');
    const check = verifyWebhookSignature({ secret: SECRET, timestamp: String(NOW), signature: `${signWebhook(SECRET, String(NOW), raw)}${tail}`, rawBody: raw, nowMs: NOW });
    expect(check).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('refuses any header values with a code, and passes only the HMAC of this body and timestamp in time', () => {
    const signatureOf = (ts: string, raw: Buffer) => fc.oneof(
      fc.constant(signWebhook(SECRET, ts, raw)),
      fc.constant(signWebhook(SECRET, ts, raw).toUpperCase()),
      fc.constant(signWebhook('another-secret-of-32-characters!', ts, raw)),
      fc.constant(signWebhook(SECRET, ts, raw).slice(0, -2)),
      fc.constant(`${signWebhook(SECRET, ts, raw)}00`),
      fc.constantFrom('zz', '0', ' ', '\u0000', 'é').map((tail) => `${signWebhook(SECRET, ts, raw)}${tail}`),
      hostileString(80).map((s) => `${SIGNATURE_SCHEME}${s}`),
      hostileString(80),
    );
    const request = fc.tuple(timestamp, body).chain(([ts, raw]) => fc.tuple(fc.constant(ts), fc.constant(raw), fc.option(signatureOf(ts, raw), { nil: undefined })));
    fc.assert(fc.property(request, ([ts, raw, signature]) => {
      const check = verifyWebhookSignature({ secret: SECRET, timestamp: ts, signature, rawBody: raw, nowMs: NOW });
      // Hex digits in either case; nothing before or after them.
      const genuine = signature?.toLowerCase() === signWebhook(SECRET, ts, raw) && signature.startsWith(SIGNATURE_SCHEME) && /^\d{1,16}$/.test(ts);
      if (check.ok) {
        expect(genuine).toBe(true);
        expect(check.timestampMs).toBe(Number(ts));
        expect(Math.abs(NOW - check.timestampMs)).toBeLessThanOrEqual(MAX_SIGNATURE_AGE_MS);
      } else {
        expect(['BAD_SIGNATURE', 'STALE_TIMESTAMP']).toContain(check.code);
        if (check.code === 'STALE_TIMESTAMP') expect(genuine).toBe(true);
        if (genuine && Math.abs(NOW - Number(ts)) <= MAX_SIGNATURE_AGE_MS) expect.unreachable('a genuine signature in time was refused');
        expect(check.message.length).toBeGreaterThan(0);
      }
    }), RUNS);
  });
});
