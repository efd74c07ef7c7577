import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { DEFAULT_TOKEN_TTL_MS, MAX_TOKEN_TTL_MS, issueToken, signingKey, verifyToken } from './index';

const key = signingKey('a-test-signing-key-of-32-bytes-at-least!');
const NOW = Date.UTC(2026, 10, 24, 18, 0);

describe('tokens', () => {
  it('verifies a token it issued and says who the user is', async () => {
    const token = await issueToken(key, 'fan-1', { nowMs: NOW });
    const result = await verifyToken(key, `Bearer ${token}`, NOW + 1_000);
    expect(result).toEqual({ ok: true, identity: { userId: 'fan-1', tokenId: expect.stringMatching(/^[0-9a-f-]{36}$/), issuedAt: NOW, expiresAt: NOW + DEFAULT_TOKEN_TTL_MS } });
  });

  it('gives every token its own random id, even two issued in the same second for the same user', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => {
      const result = await verifyToken(key, await issueToken(key, 'fan-1', { nowMs: NOW }), NOW);
      return result.ok ? result.identity.tokenId : 'refused';
    }));
    expect(new Set(ids).size).toBe(3);
    expect(ids).not.toContain('refused');
  });

  it('lives 15 minutes by default and refuses to issue a token living longer than MAX_TOKEN_TTL_MS', async () => {
    expect(DEFAULT_TOKEN_TTL_MS).toBe(15 * 60 * 1000);
    const token = await issueToken(key, 'fan-1', { nowMs: NOW });
    expect((await verifyToken(key, token, NOW + DEFAULT_TOKEN_TTL_MS - 1_000)).ok).toBe(true);
    expect(await verifyToken(key, token, NOW + DEFAULT_TOKEN_TTL_MS)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
    await expect(issueToken(key, 'fan-1', { ttlMs: MAX_TOKEN_TTL_MS + 1_000 })).rejects.toThrow(/token ttl/);
  });

  it('refuses a validly signed token without a jti or living longer than MAX_TOKEN_TTL_MS', async () => {
    const base = () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('fan-1').setIssuer('inplay').setAudience('inplay-api').setIssuedAt(NOW / 1000);
    const noJti = await base().setExpirationTime(NOW / 1000 + 60).sign(key);
    expect(await verifyToken(key, noJti, NOW)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    const tooLong = await base().setJti('j-1').setExpirationTime(NOW / 1000 + MAX_TOKEN_TTL_MS / 1000 + 1).sign(key);
    expect(await verifyToken(key, tooLong, NOW)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    const fine = await base().setJti('j-2').setExpirationTime(NOW / 1000 + 60).sign(key);
    expect(await verifyToken(key, fine, NOW)).toMatchObject({ ok: true, identity: { tokenId: 'j-2' } });
  });

  it('rejects an expired token with TOKEN_EXPIRED', async () => {
    const token = await issueToken(key, 'fan-1', { nowMs: NOW, ttlMs: 60_000 });
    expect(await verifyToken(key, token, NOW + 61_000)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
  });

  it('still expires a token it has verified before, and does not trust it under another key', async () => {
    const token = await issueToken(key, 'fan-2', { nowMs: NOW, ttlMs: 60_000 });
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
