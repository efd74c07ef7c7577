// The gateway's courtesy check (issue #5): where the trade lock is the match's
// fairness policy, an order for a player whose last tick says "locked until T"
// is refused at once with TRADE_LOCKED and when the lock lifts, instead of
// travelling to settlement to be refused there. Settlement stays the
// authority: this only saves the round trip, from the gateway's own ticks.
import { policyForMatch, type FairnessSettings } from '@inplay/domain';

/** lockedUntil when the order should be refused now, else null. */
export function courtesyLock(settings: FairnessSettings, matchId: string | null, lockedUntil: number | null | undefined, nowMs: number): number | null {
  if (policyForMatch(settings, matchId).policy !== 'trade-lock') return null;
  return lockedUntil !== null && lockedUntil !== undefined && nowMs < lockedUntil ? lockedUntil : null;
}
