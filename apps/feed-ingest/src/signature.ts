// Webhook signatures: X-Inplay-Signature = "sha256=" + hex HMAC-SHA256 over
// "<X-Inplay-Timestamp>.<raw body>" with the shared secret. Verification is
// constant-time; the timestamp bounds how long a captured request stays usable.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_SCHEME = 'sha256=';
const SIGNATURE_FORMAT = /^sha256=[0-9a-fA-F]{64}$/;
/** A signed request older (or further in the future) than this is refused. */
export const MAX_SIGNATURE_AGE_MS = 300_000;

export type SignatureCheck = { ok: true; timestampMs: number } | { ok: false; code: 'BAD_SIGNATURE' | 'STALE_TIMESTAMP'; message: string };

/** The exact bytes that are signed. */
export function signatureBase(timestamp: string, rawBody: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody]);
}

export function signWebhook(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return SIGNATURE_SCHEME + createHmac('sha256', secret).update(signatureBase(timestamp, rawBody)).digest('hex');
}

export function verifyWebhookSignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowMs: number;
  maxAgeMs?: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (timestamp === undefined || !/^\d{1,16}$/.test(timestamp)) return { ok: false, code: 'BAD_SIGNATURE', message: 'X-Inplay-Timestamp must be ms since the epoch' };
  // Exactly 64 hex digits: Buffer.from(hex) stops at the first non-hex character, so "<right hex>zz" would pass.
  if (signature === undefined || !SIGNATURE_FORMAT.test(signature)) {
    return { ok: false, code: 'BAD_SIGNATURE', message: `X-Inplay-Signature must be ${SIGNATURE_SCHEME}<64 hex digits: HMAC-SHA256 of "<timestamp>.<body>">` };
  }
  const given = Buffer.from(signature.slice(SIGNATURE_SCHEME.length), 'hex');
  const expected = createHmac('sha256', input.secret).update(signatureBase(timestamp, input.rawBody)).digest();
  if (!timingSafeEqual(given, expected)) return { ok: false, code: 'BAD_SIGNATURE', message: 'signature does not match the body and timestamp' };
  const timestampMs = Number(timestamp);
  const maxAgeMs = input.maxAgeMs ?? MAX_SIGNATURE_AGE_MS;
  if (Math.abs(input.nowMs - timestampMs) > maxAgeMs) {
    return { ok: false, code: 'STALE_TIMESTAMP', message: `timestamp is ${Math.round((input.nowMs - timestampMs) / 1000)} s from our clock; at most ${maxAgeMs / 1000} s allowed` };
  }
  return { ok: true, timestampMs };
}
