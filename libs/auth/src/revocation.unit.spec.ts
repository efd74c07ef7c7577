import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_TTL_MS, RevocationList } from './index';

const NOW = Date.UTC(2026, 10, 24, 18, 0);
const token = (tokenId: string, userId = 'fan-1', issuedAt = NOW - 60_000) => ({ tokenId, userId, issuedAt });

describe('revocation list', () => {
  it('refuses a revoked token id and nothing else', () => {
    const list = new RevocationList();
    list.merge({ tokens: [['t-1', NOW + 60_000]], notBefore: [] }, NOW);
    expect(list.isRevoked(token('t-1'))).toBe(true);
    expect(list.isRevoked(token('t-2'))).toBe(false);
  });

  it('refuses every token of a user issued before the cut-off, including the same second, but not later ones or other users', () => {
    const list = new RevocationList();
    list.merge({ tokens: [], notBefore: [['fan-1', NOW + 500]] }, NOW);
    expect(list.isRevoked(token('a', 'fan-1', NOW - 1_000))).toBe(true);
    expect(list.isRevoked(token('b', 'fan-1', NOW))).toBe(true);
    expect(list.isRevoked(token('c', 'fan-1', NOW + 1_000))).toBe(false);
    expect(list.isRevoked(token('d', 'fan-2', NOW - 1_000))).toBe(false);
  });

  it('keeps what it knew when a later load misses it (a revocation is never undone), and keeps the latest cut-off', () => {
    const list = new RevocationList();
    list.merge({ tokens: [['t-1', NOW + 60_000]], notBefore: [['fan-1', NOW]] }, NOW);
    list.merge({ tokens: [], notBefore: [['fan-1', NOW - 10_000]] }, NOW + 1);
    expect(list.isRevoked(token('t-1'))).toBe(true);
    expect(list.isRevoked(token('x', 'fan-1', NOW - 5_000))).toBe(true);
  });

  it('forgets a token id once its token expired, and a cut-off once every token before it expired', () => {
    const list = new RevocationList();
    list.merge({ tokens: [['t-1', NOW + 60_000]], notBefore: [['fan-1', NOW]] }, NOW);
    expect(list.size).toBe(2);
    list.merge({ tokens: [], notBefore: [] }, NOW + 60_000);
    expect(list.size).toBe(1);
    list.merge({ tokens: [], notBefore: [] }, NOW + MAX_TOKEN_TTL_MS);
    expect(list.size).toBe(0);
  });
});
