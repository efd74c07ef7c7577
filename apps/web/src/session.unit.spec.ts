import { describe, expect, it } from 'vitest';
import { MIN_REFRESH_DELAY_MS, refreshDelayMs, tokenExpiresAt } from './session';

const NOW = Date.UTC(2026, 10, 24, 18, 0);
const jwt = (payload: unknown) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('the page session', () => {
  it("reads the token's expiry from its payload, and null from anything else", () => {
    expect(tokenExpiresAt(jwt({ sub: 'fan', exp: NOW / 1000 + 900 }))).toBe(NOW + 900_000);
    expect(tokenExpiresAt(jwt({ sub: 'fan' }))).toBeNull();
    expect(tokenExpiresAt('not-a-jwt')).toBeNull();
    expect(tokenExpiresAt('a.%%%.c')).toBeNull();
  });

  it('refreshes a 15-minute token after 12 minutes, and one about to expire (or expired) after the minimum delay', () => {
    expect(refreshDelayMs(NOW + 15 * 60_000, NOW)).toBe(12 * 60_000);
    expect(refreshDelayMs(NOW + 500, NOW)).toBe(MIN_REFRESH_DELAY_MS);
    expect(refreshDelayMs(NOW - 60_000, NOW)).toBe(MIN_REFRESH_DELAY_MS);
  });
});
