// Records for gateway tests: ticks of one player with consecutive seqs.
import type { LatestPrice, PriceTick } from '@inplay/contracts';

export const T0 = Date.UTC(2026, 10, 24, 18, 0, 0);

export function tick(playerId: string, seq: number, priceCents = 1_000 + seq, extra: Partial<PriceTick> = {}): PriceTick {
  return {
    playerId, matchId: 'm1', seq, priceCents, previousPriceCents: priceCents - 1, cause: 'DRIFT',
    causeEventId: null, causeEventType: null, causeOccurredAt: null, lockedUntil: null, tickedAt: T0 + seq, ...extra,
  };
}

export function ticks(playerId: string, fromSeq: number, toSeq: number): PriceTick[] {
  const out: PriceTick[] = [];
  for (let seq = fromSeq; seq <= toSeq; seq++) out.push(tick(playerId, seq));
  return out;
}

export function latest(playerId: string, seq: number, priceCents = 1_000 + seq): LatestPrice {
  return { playerId, matchId: 'm1', seq, priceCents, lockedUntil: null, updatedAt: T0 + seq };
}
