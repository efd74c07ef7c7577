import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { issueToken, signingKey, verifyToken } from './index';

const key = signingKey('a-test-signing-key-of-32-bytes-at-least!');
const NOW = Date.UTC(2026, 10, 24, 18, 0);

describe('tokens', () => {
  it('verifies a token it issued and says who the user is', async () => {
    const token = await issueToken(key, 'fan-1', { nowMs: NOW });
    const result = await verifyToken(key, `Bearer ${token}`, NOW + 1_000);
    expect(result).toEqual({ ok: true, identity: { userId: 'fan-1', expiresAt: NOW + 12 * 3600 * 1000 } });
  });

  it('rejects an expired token with TOKEN_EXPIRED', async () => {
    const token = await issueToken(key, 'fan-1', { nowMs: NOW, ttlSeconds: 60 });
    expect(await verifyToken(key, token, NOW + 61_000)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
  });

  it('still expires a token it has verified before, and does not trust it under another key', async () => {
    const token = await issueToken(key, 'fan-2', { nowMs: NOW, ttlSeconds: 60 });
    expect(await verifyToken(key, token, NOW)).toMatchObject({ ok: true, identity: { userId: 'fan-2' } });
    expect(await verifyToken(key, token, NOW + 59_000)).toMatchObject({ ok: true, identity: { userId: 'fan-2' } });
    expect(await verifyToken(key, token, NOW + 60_000)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
    const otherKey = signingKey('another-signing-key-that-is-32-bytes+');
    expect(await verifyToken(otherKey, token, NOW)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('rejects a token whose signature was changed after the original verified', async () => {
    const token = await issueToken(key, 'fan-3', { nowMs: NOW });
    expect((await verifyToken(key, token, NOW)).ok).toBe(true);
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(await verifyToken(key, `${header}.${payload}.${flipped}`, NOW)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('rejects a token signed with another key, a forged one and garbage', async () => {
    const other = await issueToken(signingKey('another-signing-key-that-is-32-bytes+'), 'fan-1', { nowMs: NOW });
    expect(await verifyToken(key, other, NOW)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    const [header, , signature] = (await issueToken(key, 'fan-1', { nowMs: NOW })).split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'admin', iss: 'inplay', aud: 'inplay-api', exp: NOW / 1000 + 60 })).toString('base64url');
    expect(await verifyToken(key, `${header}.${forgedPayload}.${signature}`, NOW)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    expect(await verifyToken(key, 'not-a-jwt', NOW)).toMatchObject({ ok: false, code: 'TOKEN_MALFORMED' });
    expect(await verifyToken(key, undefined, NOW)).toMatchObject({ ok: false, code: 'TOKEN_MISSING' });
  });

  it('rejects the "none" algorithm and a wrong audience', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'fan-1', iss: 'inplay', aud: 'inplay-api', exp: NOW / 1000 + 60 })).toString('base64url')}.`;
    expect((await verifyToken(key, unsigned, NOW)).ok).toBe(false);
    const wrongAudience = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('fan-1').setIssuer('inplay').setAudience('elsewhere').setExpirationTime(NOW / 1000 + 60).sign(key);
    expect(await verifyToken(key, wrongAudience, NOW)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('refuses short signing keys and odd user ids', async () => {
    expect(() => signingKey('short')).toThrow(/at least 32 bytes/);
    await expect(issueToken(key, 'bad id with spaces')).rejects.toThrow(/invalid user id/);
  });
});
