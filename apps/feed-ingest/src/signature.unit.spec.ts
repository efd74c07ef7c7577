import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { MAX_SIGNATURE_AGE_MS, signWebhook, signatureBase, verifyWebhookSignature } from './signature';

const SECRET = 'a-test-secret-of-32-characters!!';
const NOW = 1_700_000_000_000;
const body = Buffer.from('{"matchId":"m1"}');

const check = (overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) =>
  verifyWebhookSignature({ secret: SECRET, timestamp: String(NOW), signature: signWebhook(SECRET, String(NOW), body), rawBody: body, nowMs: NOW, ...overrides });

describe('webhook signatures', () => {
  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 as sha256=<hex>', () => {
    expect(signatureBase('123', body).toString()).toBe('123.{"matchId":"m1"}');
    const hex = createHmac('sha256', SECRET).update('123.{"matchId":"m1"}').digest('hex');
    expect(signWebhook(SECRET, '123', body)).toBe(`sha256=${hex}`);
  });

  it('accepts a correct signature within the allowed age', () => {
    expect(check()).toEqual({ ok: true, timestampMs: NOW });
    expect(check({ nowMs: NOW + MAX_SIGNATURE_AGE_MS })).toMatchObject({ ok: true });
  });

  it('refuses a changed body, a wrong secret, a truncated or missing signature as BAD_SIGNATURE', () => {
    expect(check({ rawBody: Buffer.from('{"matchId":"m2"}') })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(check({ signature: signWebhook('another-secret-xxxxxxxx', String(NOW), body) })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(check({ signature: signWebhook(SECRET, String(NOW), body).slice(0, 20) })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(check({ signature: undefined })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(check({ timestamp: 'yesterday' })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('refuses a signature whose timestamp was changed after signing', () => {
    expect(check({ timestamp: String(NOW + 1) })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('refuses a correctly signed request older or newer than the allowed age as STALE_TIMESTAMP', () => {
    expect(check({ nowMs: NOW + MAX_SIGNATURE_AGE_MS + 1 })).toMatchObject({ ok: false, code: 'STALE_TIMESTAMP' });
    expect(check({ nowMs: NOW - MAX_SIGNATURE_AGE_MS - 1 })).toMatchObject({ ok: false, code: 'STALE_TIMESTAMP' });
  });
});
