// The revoked tokens a gateway knows of, in memory: token ids (until their token
// expires) and per-user "not before" times (revoke every token of a user issued
// before). Pure: the gateway fills it from Postgres every refresh interval and
// checks every use of a token against it. A revocation is never undone, so new
// knowledge is merged in and entries leave only once they can no longer matter.
import { MAX_TOKEN_TTL_MS, type Identity } from './index';

export interface Revocations {
  /** Revoked token ids, each with the time after which its token is expired anyway. */
  tokens: Iterable<readonly [tokenId: string, expiresAtMs: number]>;
  /** Per user: every token issued before this time is revoked. */
  notBefore: Iterable<readonly [userId: string, notBeforeMs: number]>;
}

export class RevocationList {
  private readonly tokens = new Map<string, number>();
  private readonly notBefore = new Map<string, number>();

  get size(): number {
    return this.tokens.size + this.notBefore.size;
  }

  /** Adds what is known (from the store, or a revocation just made here) and forgets what expired. */
  merge(known: Revocations, nowMs: number): void {
    for (const [tokenId, expiresAtMs] of known.tokens) {
      if (expiresAtMs > nowMs) this.tokens.set(tokenId, Math.max(expiresAtMs, this.tokens.get(tokenId) ?? 0));
    }
    for (const [userId, notBeforeMs] of known.notBefore) {
      this.notBefore.set(userId, Math.max(notBeforeMs, this.notBefore.get(userId) ?? Number.NEGATIVE_INFINITY));
    }
    for (const [tokenId, expiresAtMs] of this.tokens) if (expiresAtMs <= nowMs) this.tokens.delete(tokenId);
    // Every token issued before notBefore - MAX_TOKEN_TTL_MS has expired: the entry no longer refuses anything.
    for (const [userId, notBeforeMs] of this.notBefore) if (notBeforeMs + MAX_TOKEN_TTL_MS <= nowMs) this.notBefore.delete(userId);
  }

  /**
   * True when this token was revoked by its id, or issued before its user's cut-off. `iat` has whole
   * seconds, so a token issued in the same second as a cut-off, after it, is refused too (safe side).
   */
  isRevoked(identity: Pick<Identity, 'userId' | 'tokenId' | 'issuedAt'>): boolean {
    if (this.tokens.has(identity.tokenId)) return true;
    const cutOff = this.notBefore.get(identity.userId);
    return cutOff !== undefined && identity.issuedAt < cutOff;
  }
}
