// Every use of a token on this gateway goes through the guard: signature and
// claims (libs/auth), then the revocation list held in memory and refreshed
// from Postgres every revocationRefreshMs. A list not refreshed for
// revocationMaxStaleMs (Postgres away) fails closed: AUTH_UNAVAILABLE.
import { issueToken, RevocationList, verifyToken, type AuthErrorCode, type Identity } from '@inplay/auth';
import type { Logger } from '@inplay/telemetry';
import type { GatewayLimits } from '../config';
import type { GatewayMetrics } from '../metrics';
import type { RevocationStore } from './revocation-store';

export type TokenRefusalCode = AuthErrorCode | 'TOKEN_REVOKED' | 'AUTH_UNAVAILABLE';
export type TokenCheck = { ok: true; identity: Identity } | { ok: false; code: TokenRefusalCode; message: string };

export interface TokenGuard {
  /** The token (with or without "Bearer ") checked in full: signature, claims, expiry, revocation. */
  check(token: string | undefined | null): Promise<TokenCheck>;
  /** From memory only, for open sockets swept often: revoked, or the list too stale to tell. */
  refusalOf(identity: Identity): Extract<TokenRefusalCode, 'TOKEN_REVOKED' | 'AUTH_UNAVAILABLE'> | null;
  issue(userId: string): Promise<{ token: string; identity: Identity }>;
  /** Revokes one token (its jti), in Postgres first, then here at once. */
  revokeToken(tokenId: string, userId: string | null, expiresAtMs: number): Promise<void>;
  /** Revokes every token of a user issued before now; returns the cut-off. */
  revokeUser(userId: string): Promise<number>;
  /** Reads the revocations now (start-up, tests). Throws when Postgres does. */
  refresh(): Promise<void>;
  stop(): void;
}

export interface TokenGuardOptions {
  signingKey: Uint8Array;
  store: RevocationStore;
  limits: Pick<GatewayLimits, 'tokenTtlMs' | 'revocationRefreshMs' | 'revocationMaxStaleMs'>;
  metrics: GatewayMetrics;
  logger: Logger;
  now: () => number;
}

/** Retry-After of a 503 AUTH_UNAVAILABLE: the next refresh is at most revocationRefreshMs away. */
export const AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

const REVOKED = 'the token was revoked: log in again';
const UNAVAILABLE = 'tokens cannot be checked right now (revocations unknown): retry shortly';

export function createTokenGuard(options: TokenGuardOptions): TokenGuard {
  const { signingKey, store, limits, metrics, logger, now } = options;
  const list = new RevocationList();
  let refreshedAtMs = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const refusalOf = (identity: Identity): 'TOKEN_REVOKED' | 'AUTH_UNAVAILABLE' | null => {
    if (list.isRevoked(identity)) return 'TOKEN_REVOKED';
    if (now() - refreshedAtMs > limits.revocationMaxStaleMs) return 'AUTH_UNAVAILABLE';
    return null;
  };
  const refresh = async (): Promise<void> => {
    const startedAtMs = now();
    list.merge(await store.load(startedAtMs), startedAtMs);
    // Fresh as of when the read began: a revocation committed during it is caught next time.
    refreshedAtMs = Math.max(refreshedAtMs, startedAtMs);
    metrics.revokedTokensKnown.set(list.size);
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      refresh().catch((err: unknown) => {
        metrics.revocationRefreshFailures.inc();
        logger.warn({ err, staleForMs: now() - refreshedAtMs }, 'could not read revoked tokens: trying again next interval');
      }).finally(schedule);
    }, limits.revocationRefreshMs);
  };
  schedule();

  return {
    async check(token) {
      const verified = await verifyToken(signingKey, token, now());
      const result: TokenCheck = !verified.ok ? verified : ((): TokenCheck => {
        const refusal = refusalOf(verified.identity);
        if (refusal === null) return verified;
        return { ok: false, code: refusal, message: refusal === 'TOKEN_REVOKED' ? REVOKED : UNAVAILABLE };
      })();
      if (!result.ok && result.code !== 'TOKEN_MISSING') metrics.tokenRefusals.inc({ code: result.code });
      return result;
    },
    refusalOf,
    async issue(userId) {
      const token = await issueToken(signingKey, userId, { ttlMs: limits.tokenTtlMs, nowMs: now() });
      const verified = await verifyToken(signingKey, token, now());
      if (!verified.ok) throw new Error(`a token just issued does not verify: ${verified.code}`);
      return { token, identity: verified.identity };
    },
    async revokeToken(tokenId, userId, expiresAtMs) {
      const nowMs = now();
      await store.revokeToken(tokenId, userId, expiresAtMs, nowMs);
      list.merge({ tokens: [[tokenId, expiresAtMs]], notBefore: [] }, nowMs);
    },
    async revokeUser(userId) {
      const nowMs = now();
      await store.revokeUser(userId, nowMs, nowMs);
      list.merge({ tokens: [], notBefore: [[userId, nowMs]] }, nowMs);
      return nowMs;
    },
    refresh,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** How HTTP answers a refused token: 401 (log in again) or 503 (retry shortly). */
export function httpRefusal(check: Extract<TokenCheck, { ok: false }>): { status: number; headers: Record<string, string> } {
  if (check.code === 'AUTH_UNAVAILABLE') return { status: 503, headers: { 'retry-after': String(AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS) } };
  return { status: 401, headers: { 'www-authenticate': 'Bearer' } };
}
