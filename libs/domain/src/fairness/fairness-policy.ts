// Fairness policies (DESIGN.md, "Fairness"): which price an order may fill at,
// and when. Each deployment picks a default and may pick another per match.
// Pure: the caller passes the prices it knows and its clock.
//
// - none:            fill at the latest price (tests, benchmarks, the experiment's baseline).
// - trade-lock:      an event locks its player until the tick's lockedUntil; orders in the lock are refused.
// - delayed:         fill `delayMs` after placement at the price then; an event in between voids or re-prices.
// - sealed-batch:    orders collect per player in windows of `batchWindowMs`; all fill at the window's median.
// - event-time-void: fill now, but a fill placed after an event happened on the pitch and priced before its
//                    tick is reversed when the tick arrives (see event-time-void.ts); fills stay provisional
//                    for `voidHorizonMs`.
import type { TickCause } from '@inplay/contracts';
import { invariant } from '../invariant';

/** The latest tick settlement knows for a player (or one from its recent history). */
export interface PriceInForce {
  playerId: string;
  priceCents: number;
  /** The tick's per-player sequence number, recorded on the fill. */
  seq: number;
  /** When the tick was computed (ms since epoch). */
  tickedAt: number;
  /** Trading on the player is locked until then (ms since epoch), or null. */
  lockedUntil: number | null;
  /** What moved the price; absent when unknown (older ticks). */
  cause?: TickCause;
  /** For an EVENT tick: when the event happened on the pitch. */
  causeOccurredAt?: number | null;
}

export const FAIRNESS_POLICY_NAMES = ['none', 'trade-lock', 'delayed', 'sealed-batch', 'event-time-void'] as const;
export type FairnessPolicyName = (typeof FAIRNESS_POLICY_NAMES)[number];

/** An order fills this long after it was placed under the delayed policy (≥ the feed's usual lag). */
export const DEFAULT_DELAY_MS = 30_000;
/** Width of a sealed-batch window. */
export const DEFAULT_BATCH_WINDOW_MS = 10_000;
/** How long a fill stays voidable under event-time void (≥ the feed's largest lag, 40 s). */
export const DEFAULT_VOID_HORIZON_MS = 45_000;
/** Upper bound of every policy duration: a window longer than an hour is a typo. */
export const MAX_POLICY_WINDOW_MS = 3_600_000;

export type DelayedOnEvent = 'void' | 'reprice';

export type FairnessPolicyConfig =
  | { policy: 'none' }
  | { policy: 'trade-lock' }
  | { policy: 'delayed'; delayMs: number; onEvent: DelayedOnEvent }
  | { policy: 'sealed-batch'; batchWindowMs: number }
  | { policy: 'event-time-void'; voidHorizonMs: number };

export const NO_FAIRNESS: FairnessPolicyConfig = { policy: 'none' };
export const TRADE_LOCK: FairnessPolicyConfig = { policy: 'trade-lock' };
export const EVENT_TIME_VOID: FairnessPolicyConfig = { policy: 'event-time-void', voidHorizonMs: DEFAULT_VOID_HORIZON_MS };

/** Per deployment: one default, and per match overrides (key: matchId). */
export interface FairnessSettings {
  default: FairnessPolicyConfig;
  byMatch: Readonly<Record<string, FairnessPolicyConfig>>;
}

/**
 * Event-time void by default: measured on the real match (docs/fairness.md) it took the
 * front-runner's profit to zero with honest fills as fast as with no policy, while the trade
 * lock did not stop him (the lock starts when the feed arrives, after he has bought).
 */
export const DEFAULT_FAIRNESS_POLICY: FairnessPolicyConfig = EVENT_TIME_VOID;
export const DEFAULT_FAIRNESS_SETTINGS: FairnessSettings = { default: DEFAULT_FAIRNESS_POLICY, byMatch: {} };

export function policyForMatch(settings: FairnessSettings, matchId: string | null | undefined): FairnessPolicyConfig {
  return (matchId !== null && matchId !== undefined ? settings.byMatch[matchId] : undefined) ?? settings.default;
}

export type ParsedPolicy = { ok: true; config: FairnessPolicyConfig } | { ok: false; errors: string[] };

/**
 * Validates a policy from configuration (`{ policy, delayMs?, onEvent?, batchWindowMs?, voidHorizonMs? }`),
 * filling in defaults; every problem is named with what was given.
 */
export function parseFairnessPolicy(input: unknown, where = 'fairness policy'): ParsedPolicy {
  if (typeof input !== 'object' || input === null) return { ok: false, errors: [`${where}: expected an object like {"policy":"delayed","delayMs":30000}, got ${JSON.stringify(input)}`] };
  const raw = input as Record<string, unknown>;
  const name = raw['policy'];
  if (typeof name !== 'string' || !(FAIRNESS_POLICY_NAMES as readonly string[]).includes(name)) {
    return { ok: false, errors: [`${where}: policy must be one of ${FAIRNESS_POLICY_NAMES.join(', ')}, got ${JSON.stringify(name)}`] };
  }
  const allowed: Record<FairnessPolicyName, string[]> = {
    none: [], 'trade-lock': [], delayed: ['delayMs', 'onEvent'], 'sealed-batch': ['batchWindowMs'], 'event-time-void': ['voidHorizonMs'],
  };
  const errors: string[] = [];
  for (const key of Object.keys(raw)) {
    if (key !== 'policy' && !allowed[name as FairnessPolicyName].includes(key)) errors.push(`${where}: ${key} does not apply to the ${name} policy`);
  }
  const duration = (key: string, fallback: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > MAX_POLICY_WINDOW_MS) {
      errors.push(`${where}: ${key} must be an integer number of ms in 1..${MAX_POLICY_WINDOW_MS}, got ${JSON.stringify(raw[key])}`);
    }
    return value as number;
  };
  let config: FairnessPolicyConfig;
  switch (name as FairnessPolicyName) {
    case 'none': config = NO_FAIRNESS; break;
    case 'trade-lock': config = TRADE_LOCK; break;
    case 'delayed': {
      const onEvent = raw['onEvent'] ?? 'void';
      if (onEvent !== 'void' && onEvent !== 'reprice') errors.push(`${where}: onEvent must be "void" or "reprice", got ${JSON.stringify(onEvent)}`);
      config = { policy: 'delayed', delayMs: duration('delayMs', DEFAULT_DELAY_MS), onEvent: onEvent as DelayedOnEvent };
      break;
    }
    case 'sealed-batch': config = { policy: 'sealed-batch', batchWindowMs: duration('batchWindowMs', DEFAULT_BATCH_WINDOW_MS) }; break;
    case 'event-time-void': config = { policy: 'event-time-void', voidHorizonMs: duration('voidHorizonMs', DEFAULT_VOID_HORIZON_MS) }; break;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}

/** When an order executes: now (null) or at a time set by the policy. */
export function executeAt(placedAt: number, policy: FairnessPolicyConfig): number | null {
  switch (policy.policy) {
    case 'delayed': return placedAt + policy.delayMs;
    case 'sealed-batch': return batchWindowOf(placedAt, policy.batchWindowMs).end;
    default: return null;
  }
}

/** The sealed-batch window an order placed at `placedAt` belongs to: [start, end), aligned to the epoch. */
export function batchWindowOf(placedAt: number, batchWindowMs: number): { start: number; end: number } {
  const start = Math.floor(placedAt / batchWindowMs) * batchWindowMs;
  return { start, end: start + batchWindowMs };
}

export interface FairnessInput {
  playerId: string;
  placedAt: number;
  /** The latest tick known. */
  price: PriceInForce;
  /** The player's recent ticks, ascending by seq, ending with `price` (needed by delayed and sealed-batch). */
  history?: readonly PriceInForce[];
  /** Settlement's clock when the order is settled. */
  nowMs: number;
}

export type FairnessVerdict =
  | { allowed: true; price: PriceInForce; executedAt: number }
  | { allowed: false; rejected: 'TRADE_LOCKED'; retryAfterMs: number; lockedUntil: number; detail: string }
  | { allowed: false; rejected: 'VOIDED_EVENT'; retryAfterMs: null; detail: string }
  | { allowed: false; rejected: 'NOT_DUE'; retryAfterMs: number; detail: string }
  | { allowed: false; rejected: 'PRICE_UNAVAILABLE'; retryAfterMs: null; detail: string };

/** Decides the price an order fills at under `policy`, or why it does not fill. */
export function fairnessVerdict(policy: FairnessPolicyConfig, input: FairnessInput): FairnessVerdict {
  const { price, nowMs } = input;
  switch (policy.policy) {
    case 'none':
    case 'event-time-void':
      return { allowed: true, price, executedAt: nowMs };
    case 'trade-lock':
      if (price.lockedUntil === null || nowMs >= price.lockedUntil) return { allowed: true, price, executedAt: nowMs };
      return {
        allowed: false, rejected: 'TRADE_LOCKED', retryAfterMs: price.lockedUntil - nowMs, lockedUntil: price.lockedUntil,
        detail: `trading on ${input.playerId} is locked until ${price.lockedUntil}`,
      };
    case 'delayed': {
      const at = input.placedAt + policy.delayMs;
      if (nowMs < at) return notDue(at, nowMs);
      const history = historyOf(input);
      const event = history.find((t) => isEventTick(t) && t.tickedAt > input.placedAt && t.tickedAt <= at);
      if (event && policy.onEvent === 'void') {
        return { allowed: false, rejected: 'VOIDED_EVENT', retryAfterMs: null, detail: `a ${event.cause ?? 'match'} event moved ${input.playerId} (tick ${event.seq}) between placement and execution` };
      }
      const then = priceAt(history, at);
      if (!then) return { allowed: false, rejected: 'PRICE_UNAVAILABLE', retryAfterMs: null, detail: `no price of ${input.playerId} known at ${at}` };
      return { allowed: true, price: then, executedAt: at };
    }
    case 'sealed-batch': {
      const window = batchWindowOf(input.placedAt, policy.batchWindowMs);
      if (nowMs < window.end) return notDue(window.end, nowMs);
      const ticks = windowTicks(historyOf(input), window.start, window.end);
      if (ticks.length === 0) return { allowed: false, rejected: 'PRICE_UNAVAILABLE', retryAfterMs: null, detail: `no price of ${input.playerId} known in window ${window.start}..${window.end}` };
      // The median is a tick that was really in force in the window: the fill names it (price and seq), so audits can check it.
      return { allowed: true, price: medianTick(ticks), executedAt: window.end };
    }
  }
}

function notDue(at: number, nowMs: number): FairnessVerdict {
  return { allowed: false, rejected: 'NOT_DUE', retryAfterMs: at - nowMs, detail: `executes at ${at}` };
}

function historyOf(input: FairnessInput): readonly PriceInForce[] {
  const history = input.history ?? [];
  return history.at(-1)?.seq === input.price.seq ? history : [...history.filter((t) => t.seq < input.price.seq), input.price];
}

export function isEventTick(tick: PriceInForce): boolean {
  return tick.cause === 'EVENT';
}

/** The tick in force at `at`: the last one computed at or before it (history ascending by seq). */
export function priceAt(history: readonly PriceInForce[], at: number): PriceInForce | undefined {
  let found: PriceInForce | undefined;
  for (const tick of history) {
    if (tick.tickedAt <= at) found = tick;
    else break;
  }
  return found;
}

/** Every tick in force during [start, end): the one carried in at `start` and each tick inside. */
export function windowTicks(history: readonly PriceInForce[], start: number, end: number): PriceInForce[] {
  const carried = priceAt(history, start);
  const inside = history.filter((t) => t.tickedAt > start && t.tickedAt < end);
  return [...(carried ? [carried] : []), ...inside];
}

export function windowPrices(history: readonly PriceInForce[], start: number, end: number): number[] {
  return windowTicks(history, start, end).map((t) => t.priceCents);
}

/** The tick with the lower-median price (ties: the later tick). */
export function medianTick(ticks: readonly PriceInForce[]): PriceInForce {
  invariant(ticks.length > 0, () => 'median of no ticks');
  const sorted = [...ticks].sort((a, b) => a.priceCents - b.priceCents || b.seq - a.seq);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The lower median (an integer price that was really in force, never an average of two). */
export function lowerMedian(values: readonly number[]): number {
  invariant(values.length > 0, () => 'median of no prices');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * The deployment's settings from two configuration strings: the default policy
 * (a name like `delayed`, or JSON like `{"policy":"delayed","delayMs":40000}`)
 * and per-match overrides (JSON: `{"<matchId>": <policy>, ...}`).
 */
export function parseFairnessSettings(defaultText: string | undefined, byMatchText: string | undefined): { ok: true; settings: FairnessSettings } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const parseOne = (text: string, where: string): FairnessPolicyConfig | undefined => {
    const trimmed = text.trim();
    let value: unknown = { policy: trimmed };
    if (trimmed.startsWith('{')) {
      try { value = JSON.parse(trimmed); } catch (err) { errors.push(`${where}: not valid JSON (${(err as Error).message})`); return undefined; }
    }
    const parsed = parseFairnessPolicy(value, where);
    if (!parsed.ok) { errors.push(...parsed.errors); return undefined; }
    return parsed.config;
  };
  const fallback = defaultText === undefined || defaultText.trim() === '' ? DEFAULT_FAIRNESS_SETTINGS.default : parseOne(defaultText, 'FAIRNESS_POLICY');
  const byMatch: Record<string, FairnessPolicyConfig> = {};
  if (byMatchText !== undefined && byMatchText.trim() !== '') {
    let raw: unknown;
    try { raw = JSON.parse(byMatchText); } catch (err) { errors.push(`FAIRNESS_POLICY_BY_MATCH: not valid JSON (${(err as Error).message})`); }
    if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
      errors.push(`FAIRNESS_POLICY_BY_MATCH: expected an object of matchId -> policy, e.g. {"3869685":{"policy":"delayed"}}`);
    } else if (raw !== undefined) {
      for (const [matchId, value] of Object.entries(raw as Record<string, unknown>)) {
        const where = `FAIRNESS_POLICY_BY_MATCH.${matchId}`;
        const parsed = typeof value === 'string' ? parseOne(value, where) : (() => { const p = parseFairnessPolicy(value, where); if (!p.ok) errors.push(...p.errors); return p.ok ? p.config : undefined; })();
        if (parsed) byMatch[matchId] = parsed;
      }
    }
  }
  return errors.length > 0 || fallback === undefined ? { ok: false, errors } : { ok: true, settings: { default: fallback, byMatch } };
}
