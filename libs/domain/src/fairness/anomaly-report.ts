// The anomaly report (DESIGN.md fairness policy 5, issue #5): who trades in the
// window before price-moving events, and how much it paid. A trade is in an
// event's window when it is on the event's player and placed between
// `occurredAt − epsilonMs` and the event's `ingestedAt` (when the feed told
// everyone). Its edge is what the event's move made it worth: for a buy
// quantity × (price after the event − fill price), for a sell the reverse.
// Voided fills (event-time void) earned nothing, but stay as evidence.
// Users are ranked by total edge, then by how many window trades went the way
// the price then moved, then by window orders; ties by user id. Pure: the
// loaders (apps/audit) read orders from Postgres and events and ticks from Kafka.
import { invariant } from '../invariant';

/** Trades this long before `occurredAt` still count: the stadium sees a chance building before the event itself. */
export const DEFAULT_ANOMALY_EPSILON_MS = 10_000;
/** An event moves the price when its tick moved it by at least this many basis points (3 %: cards, penalties, goals, injuries). */
export const DEFAULT_ANOMALY_MIN_MOVE_BP = 300;
/** Evidence kept per user in a report: the window trades with the largest edge. */
export const DEFAULT_ANOMALY_EVIDENCE_PER_USER = 20;
export const ANOMALY_LIMITS = { epsilonMs: { min: 0, max: 600_000 }, minMoveBp: { min: 1, max: 10_000 } } as const;

export interface AnomalyOrder {
  orderId: string;
  userId: string;
  playerId: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  placedAt: number;
  /** FILLED, REJECTED, VOIDED_EVENT... as the order row says. */
  status: string;
  reason: string | null;
  /** Null unless filled. */
  fillPriceCents: number | null;
  /** A fill later reversed by event-time void. */
  voided: boolean;
}

/** One price move caused by a match event on one player (an EVENT tick). */
export interface PriceMove {
  eventId: string;
  eventType: string;
  matchId: string | null;
  playerId: string;
  occurredAt: number;
  /** When the feed delivered the event (match.events ingestedAt). */
  ingestedAt: number;
  priceBeforeCents: number;
  priceAfterCents: number;
}

export interface AnomalyEvidence {
  order: AnomalyOrder;
  move: PriceMove;
  /** ms from placement to the event on the pitch (negative: placed after it happened, before the feed said so). */
  placedBeforeOccurredMs: number;
  /** The order went the way the price then moved (a buy before a rise, a sell before a fall). */
  withMove: boolean;
  /** What the move made the fill worth; 0 for orders that did not fill or were voided. */
  edgeCents: number;
}

export interface AnomalyUser {
  rank: number;
  userId: string;
  /** Sum of edgeCents over the user's window orders. */
  edgeCents: number;
  windowOrders: number;
  windowFills: number;
  withMove: number;
  voidedFills: number;
  /** All the user's orders, in and out of windows. */
  totalOrders: number;
  /** windowOrders / totalOrders. */
  windowShare: number;
  evidence: AnomalyEvidence[];
}

export interface AnomalyReport {
  epsilonMs: number;
  minMoveBp: number;
  priceMovingEvents: number;
  ordersConsidered: number;
  users: AnomalyUser[];
}

export interface AnomalyOptions {
  epsilonMs?: number;
  minMoveBp?: number;
  evidencePerUser?: number;
}

export function validateAnomalyOptions(options: AnomalyOptions): string[] {
  const errors: string[] = [];
  const check = (name: keyof typeof ANOMALY_LIMITS, value: number | undefined) => {
    const { min, max } = ANOMALY_LIMITS[name];
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) errors.push(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  };
  check('epsilonMs', options.epsilonMs);
  check('minMoveBp', options.minMoveBp);
  if (options.evidencePerUser !== undefined && (!Number.isInteger(options.evidencePerUser) || options.evidencePerUser < 0)) errors.push('evidencePerUser must be a non-negative integer');
  return errors;
}

/** |after − before| / before in basis points. */
export function moveBp(move: Pick<PriceMove, 'priceBeforeCents' | 'priceAfterCents'>): number {
  return move.priceBeforeCents <= 0 ? 0 : Math.round((Math.abs(move.priceAfterCents - move.priceBeforeCents) * 10_000) / move.priceBeforeCents);
}

export function inWindow(order: Pick<AnomalyOrder, 'playerId' | 'placedAt'>, move: Pick<PriceMove, 'playerId' | 'occurredAt' | 'ingestedAt'>, epsilonMs: number): boolean {
  return order.playerId === move.playerId && order.placedAt >= move.occurredAt - epsilonMs && order.placedAt <= move.ingestedAt;
}

/** What the move made a fill worth (0 when not filled or voided). */
export function edgeOf(order: AnomalyOrder, move: PriceMove): number {
  if (order.fillPriceCents === null || order.voided) return 0;
  const perShare = move.priceAfterCents - order.fillPriceCents;
  return order.quantity * (order.side === 'BUY' ? perShare : -perShare);
}

export function anomalyReport(orders: readonly AnomalyOrder[], moves: readonly PriceMove[], options: AnomalyOptions = {}): AnomalyReport {
  const errors = validateAnomalyOptions(options);
  invariant(errors.length === 0, () => errors.join('; '));
  const epsilonMs = options.epsilonMs ?? DEFAULT_ANOMALY_EPSILON_MS;
  const minMoveBp = options.minMoveBp ?? DEFAULT_ANOMALY_MIN_MOVE_BP;
  const evidencePerUser = options.evidencePerUser ?? DEFAULT_ANOMALY_EVIDENCE_PER_USER;
  const movesByPlayer = new Map<string, PriceMove[]>();
  let priceMovingEvents = 0;
  for (const move of moves) {
    if (moveBp(move) < minMoveBp) continue;
    priceMovingEvents += 1;
    const list = movesByPlayer.get(move.playerId);
    if (list) list.push(move);
    else movesByPlayer.set(move.playerId, [move]);
  }
  const users = new Map<string, Omit<AnomalyUser, 'rank' | 'windowShare'>>();
  const userOf = (userId: string) => {
    let u = users.get(userId);
    if (!u) users.set(userId, (u = { userId, edgeCents: 0, windowOrders: 0, windowFills: 0, withMove: 0, voidedFills: 0, totalOrders: 0, evidence: [] }));
    return u;
  };
  for (const order of orders) {
    const user = userOf(order.userId);
    user.totalOrders += 1;
    // An order in several windows (a shot, then the goal) counts once: against the largest move, the earliest on a tie.
    let best: PriceMove | undefined;
    for (const move of movesByPlayer.get(order.playerId) ?? []) {
      if (!inWindow(order, move, epsilonMs)) continue;
      if (!best || moveBp(move) > moveBp(best) || (moveBp(move) === moveBp(best) && move.occurredAt < best.occurredAt)) best = move;
    }
    if (!best) continue;
    const rising = best.priceAfterCents > best.priceBeforeCents;
    const evidence: AnomalyEvidence = {
      order, move: best, placedBeforeOccurredMs: best.occurredAt - order.placedAt,
      withMove: (order.side === 'BUY') === rising, edgeCents: edgeOf(order, best),
    };
    user.windowOrders += 1;
    user.edgeCents += evidence.edgeCents;
    if (order.fillPriceCents !== null) user.windowFills += 1;
    if (order.fillPriceCents !== null && order.voided) user.voidedFills += 1;
    if (evidence.withMove) user.withMove += 1;
    user.evidence.push(evidence);
  }
  const ranked = [...users.values()]
    .filter((u) => u.windowOrders > 0)
    .sort((a, b) => b.edgeCents - a.edgeCents || b.withMove - a.withMove || b.windowOrders - a.windowOrders || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
    .map((u, i): AnomalyUser => ({
      ...u,
      rank: i + 1,
      windowShare: Math.round((u.windowOrders / u.totalOrders) * 10_000) / 10_000,
      evidence: [...u.evidence].sort((a, b) => b.edgeCents - a.edgeCents || a.order.placedAt - b.order.placedAt).slice(0, evidencePerUser),
    }));
  return { epsilonMs, minMoveBp, priceMovingEvents, ordersConsidered: orders.length, users: ranked };
}
