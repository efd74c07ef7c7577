// Identity: JWTs (HS256, jose) signed with a key from config. The gateway
// verifies them on HTTP requests and WebSocket `auth` messages; it issues them
// (POST /auth/refresh, the dev login), as do `inplay users create` and test tools.
// Every token carries a random `jti` (so one token can be revoked), `iat` and a short `exp`.
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import { LRUCache } from 'lru-cache';

export const TOKEN_ISSUER = 'inplay';
export const TOKEN_AUDIENCE = 'inplay-api';
/** Lifetime of a token unless the issuer says otherwise: short, so a leaked token is worth little; clients refresh. */
export const DEFAULT_TOKEN_TTL_MS = 15 * 60 * 1000;
/** No token lives longer: issueToken refuses more and verifyToken refuses a token whose exp - iat is more. Revocations of a jti are kept this long. */
export const MAX_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
export const MIN_SIGNING_KEY_BYTES = 32;
/** Longest `jti` accepted (ours are UUIDs, 36 characters). */
export const MAX_TOKEN_ID_CHARS = 64;
const USER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/**
 * Tokens whose signature and claims have been verified, per signing key. A fan sends the
 * same token with every order; checking its HMAC again (a WebCrypto job per request) was
 * the intake's largest CPU cost in the settlement bench's profile. A cached token is the
 * same string that verified, so only its expiry needs checking again (revocation is the
 * caller's check, on every use).
 */
export const VERIFIED_TOKEN_CACHE_ENTRIES = 10_000;
const verified = new WeakMap<Uint8Array, LRUCache<string, Identity>>();

function verifiedTokens(key: Uint8Array): LRUCache<string, Identity> {
  let cache = verified.get(key);
  if (!cache) verified.set(key, cache = new LRUCache<string, Identity>({ max: VERIFIED_TOKEN_CACHE_ENTRIES }));
  return cache;
}

const EXPIRED: VerifyResult = { ok: false, code: 'TOKEN_EXPIRED', message: 'the token has expired: refresh it or log in again' };

export type AuthErrorCode = 'TOKEN_MISSING' | 'TOKEN_MALFORMED' | 'TOKEN_EXPIRED' | 'TOKEN_INVALID';

export interface Identity {
  userId: string;
  /** The token's `jti`: what POST /auth/logout revokes. */
  tokenId: string;
  issuedAt: number;
  expiresAt: number;
}

export type VerifyResult = { ok: true; identity: Identity } | { ok: false; code: AuthErrorCode; message: string };

export function signingKey(secret: string): Uint8Array {
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_SIGNING_KEY_BYTES) throw new Error(`the JWT signing key must be at least ${MIN_SIGNING_KEY_BYTES} bytes`);
  return key;
}

export interface IssueOptions {
  /** Default DEFAULT_TOKEN_TTL_MS; at most MAX_TOKEN_TTL_MS; whole seconds (JWT times are seconds). */
  ttlMs?: number;
  nowMs?: number;
}

export async function issueToken(key: Uint8Array, userId: string, options: IssueOptions = {}): Promise<string> {
  if (!USER_ID.test(userId)) throw new Error(`invalid user id ${JSON.stringify(userId)}: 1-64 letters, digits, '_', '.', '-'`);
  const ttlMs = options.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
  if (!Number.isInteger(ttlMs) || ttlMs < 1_000 || ttlMs > MAX_TOKEN_TTL_MS) throw new Error(`token ttl ${ttlMs} ms: expected 1000..${MAX_TOKEN_TTL_MS} ms`);
  const iat = Math.floor((options.nowMs ?? Date.now()) / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setJti(randomUUID())
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.floor(ttlMs / 1000))
    .sign(key);
}

/** Verifies a bearer token (with or without the "Bearer " prefix); failures are values with stable codes. Revocation is not checked here. */
export async function verifyToken(key: Uint8Array, token: string | undefined | null, nowMs?: number): Promise<VerifyResult> {
  if (!token) return { ok: false, code: 'TOKEN_MISSING', message: 'an Authorization: Bearer <token> header (or token) is required' };
  const raw = token.startsWith('Bearer ') ? token.slice(7).trim() : token.trim();
  if (raw.split('.').length !== 3) return { ok: false, code: 'TOKEN_MALFORMED', message: 'the token is not a JWT' };
  const cache = verifiedTokens(key);
  const known = cache.get(raw);
  if (known) {
    // jose's rule: expired once the current second reaches exp.
    if (Math.floor((nowMs ?? Date.now()) / 1000) >= known.expiresAt / 1000) return EXPIRED;
    return { ok: true, identity: known };
  }
  try {
    const { payload } = await jwtVerify(raw, key, {
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'jti', 'iat', 'exp'],
      ...(nowMs !== undefined ? { currentDate: new Date(nowMs) } : {}),
    });
    const { sub, jti, iat, exp } = payload;
    if (!sub || !USER_ID.test(sub) || typeof exp !== 'number' || typeof iat !== 'number' || typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_TOKEN_ID_CHARS) {
      return { ok: false, code: 'TOKEN_INVALID', message: 'the token has no valid subject, id, issue time or expiry' };
    }
    if ((exp - iat) * 1000 > MAX_TOKEN_TTL_MS) return { ok: false, code: 'TOKEN_INVALID', message: `the token lives longer than ${MAX_TOKEN_TTL_MS} ms` };
    const identity: Identity = { userId: sub, tokenId: jti, issuedAt: iat * 1000, expiresAt: exp * 1000 };
    cache.set(raw, identity);
    return { ok: true, identity };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return EXPIRED;
    return { ok: false, code: 'TOKEN_INVALID', message: 'the token signature or claims are not valid' };
  }
}

export { RevocationList, type Revocations } from './revocation';
