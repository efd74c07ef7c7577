// How numbers and reasons read on screen. Money is integer cents everywhere;
// only here does it become text.

const euro = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });

export function money(cents: number): string {
  return euro.format(cents / 100);
}

export function signedMoney(cents: number): string {
  return `${cents > 0 ? '+' : cents < 0 ? '−' : ''}${euro.format(Math.abs(cents) / 100)}`;
}

export function percentChange(fromCents: number, toCents: number): string {
  if (fromCents === 0) return '0.0%';
  const pct = ((toCents - fromCents) / fromCents) * 100;
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct).toFixed(1)}%`;
}

/** Seconds left until `untilMs`, rounded up; 0 when past. */
export function secondsLeft(untilMs: number | null, nowMs: number): number {
  if (untilMs === null || untilMs <= nowMs) return 0;
  return Math.ceil((untilMs - nowMs) / 1000);
}

export function matchClock(matchClockMs: number, period: number): string {
  const offsetMin = period === 2 ? 45 : period === 3 ? 90 : period === 4 ? 105 : 0;
  const totalSec = Math.floor(matchClockMs / 1000) + offsetMin * 60;
  return `${Math.floor(totalSec / 60)}'${String(totalSec % 60).padStart(2, '0')}`;
}

/** A result code in words a fan understands. */
export function reasonText(code: string | null | undefined, retryAfterMs?: number | null): string {
  switch (code) {
    case 'INSUFFICIENT_FUNDS': return 'Not enough cash for this order';
    case 'INSUFFICIENT_HOLDINGS': return 'You do not hold enough shares to sell';
    case 'TRADE_LOCKED': return retryAfterMs ? `Trading on this player is locked for ${Math.ceil(retryAfterMs / 1000)} s` : 'Trading on this player is locked just now';
    case 'LIMIT_NOT_MET': return 'The price moved past your limit';
    case 'PRICE_UNAVAILABLE': return 'No live price for this player right now';
    case 'UNKNOWN_PLAYER': return 'This player is not on the market';
    case 'VOIDED_EVENT': return 'Voided: something happened on the pitch before it filled';
    case 'VOIDED_LATE_EVENT': return 'Voided: the trade came after an event the feed had not shown yet';
    case 'RATE_LIMITED': return 'Too many orders: wait a moment';
    default: return code ? `Rejected (${code})` : 'Rejected';
  }
}

export const EVENT_LABELS: Record<string, string> = {
  KICK_OFF: 'Kick-off', HALF_TIME: 'Half-time', FULL_TIME: 'Full-time', GOAL: 'Goal', OWN_GOAL: 'Own goal',
  PENALTY_WON: 'Penalty won', PENALTY_SCORED: 'Penalty scored', PENALTY_MISSED: 'Penalty missed', ASSIST: 'Assist',
  SHOT_ON_TARGET: 'Shot on target', SHOT_OFF_TARGET: 'Shot off target', SAVE: 'Save', BIG_CHANCE: 'Big chance',
  YELLOW_CARD: 'Yellow card', RED_CARD: 'Red card', SUBSTITUTION_ON: 'On', SUBSTITUTION_OFF: 'Off', INJURY: 'Injury',
};
