// The page's session: its token's expiry (read from the token itself) and when
// to refresh it, early enough that the open WebSocket never sees it expire.
// Pure: the clock is passed in.

/** Refresh once this fraction of the token's remaining life has passed (12 minutes into a 15-minute token). */
export const REFRESH_AT_FRACTION = 0.8;
/** Never refresh sooner than this after scheduling (a token about to expire is refreshed almost at once, not in a loop). */
export const MIN_REFRESH_DELAY_MS = 1_000;
/** After a refresh that failed for the network (not for the token), try again this soon. */
export const REFRESH_RETRY_MS = 5_000;

/** The token's `exp` in ms since the epoch, or null when it cannot be read (then the page logs in again). */
export function tokenExpiresAt(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** How long from now to wait before refreshing a token expiring at `expiresAtMs`. */
export function refreshDelayMs(expiresAtMs: number, nowMs: number): number {
  return Math.max(MIN_REFRESH_DELAY_MS, Math.floor((expiresAtMs - nowMs) * REFRESH_AT_FRACTION));
}
