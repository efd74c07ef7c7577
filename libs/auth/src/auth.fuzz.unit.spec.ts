// The Authorization header (and ?token=) fuzzed: any text, and real tokens
// with one part changed, give a coded refusal; only the token as issued
// verifies, as its own user. verifyToken never rejects.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { issueToken, signingKey, verifyToken } from './index';

const key = signingKey('a-fuzz-signing-key-of-32-bytes-at-least!');
const NOW = Date.UTC(2026, 10, 24, 18, 0);
const CODES = ['TOKEN_MISSING', 'TOKEN_MALFORMED', 'TOKEN_EXPIRED', 'TOKEN_INVALID'];
const anyText = fc.oneof(fc.string({ maxLength: 64 }), fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength: 64 }), fc.constantFrom('', 'Bearer ', 'Bearer a.b.c', '..', 'a..', 'Bearer\u0000x.y.z'));

describe('tokens, fuzzed', () => {
  it('refuses any text with a code', async () => {
    await fc.assert(fc.asyncProperty(anyText, async (header) => {
      const result = await verifyToken(key, header, NOW);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(CODES).toContain(result.code);
    }), { numRuns: 500 });
  });

  it('verifies only the token as issued: one part replaced or re-encoded is refused', async () => {
    const token = await issueToken(key, 'fan-1', { nowMs: NOW });
    const parts = token.split('.');
    const json = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ sub: fc.constantFrom('fan-2', 'admin', '', '__proto__'), exp: fc.oneof(fc.integer(), fc.double()), iss: fc.constant('inplay'), aud: fc.constant('inplay-api') }));
    const replacement = fc.oneof(anyText.map((s) => Buffer.from(s).toString('base64url')), json.map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')), anyText);
    await fc.assert(fc.asyncProperty(fc.nat(2), replacement, async (index, part) => {
      fc.pre(part !== parts[index]);
      const forged = parts.map((p, i) => (i === index ? part : p)).join('.');
      const result = await verifyToken(key, `Bearer ${forged}`, NOW);
      // A signature part that decodes to the same bytes (base64url's spare bits) is the same token.
      if (result.ok) expect(result.identity.userId).toBe('fan-1');
      else expect(CODES).toContain(result.code);
    }), { numRuns: 300 });
  });
});
