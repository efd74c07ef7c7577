// An order's result code in words a fan understands, for GET /orders. The
// codes are settlement's (libs/domain): a rejection's reason, or a void's.
export function orderReasonText(status: 'PENDING' | 'FILLED' | 'REJECTED' | 'VOIDED', reason: string | null, retryAfterMs: number | null): string | null {
  if (status === 'PENDING') return 'Waiting for its result';
  if (status === 'FILLED') return null;
  switch (reason) {
    case 'INSUFFICIENT_FUNDS': return 'Not enough cash for this order';
    case 'INSUFFICIENT_HOLDINGS': return 'You do not hold enough shares to sell';
    case 'TRADE_LOCKED': return retryAfterMs ? `Trading on this player was locked for ${Math.ceil(retryAfterMs / 1_000)} s` : 'Trading on this player was locked';
    case 'LIMIT_NOT_MET': return 'The price moved past your limit';
    case 'PRICE_UNAVAILABLE': return 'No live price for this player at the time';
    case 'UNKNOWN_ACCOUNT': return 'Your account was not found';
    case 'INVALID_ORDER': return 'The order was not valid';
    case 'VOIDED_EVENT': return 'Voided: something happened on the pitch before it filled';
    case 'VOIDED_LATE_EVENT': return 'Voided: the trade came after an event the feed had not shown yet';
    default: return status === 'VOIDED' ? `Voided${reason ? ` (${reason})` : ''}` : `Rejected${reason ? ` (${reason})` : ''}`;
  }
}
