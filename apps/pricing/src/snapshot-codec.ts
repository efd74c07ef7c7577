// A player's whole price state <-> its pricing.snapshots record. The processor
// writes one per touched player per batch and rebuilds from them on assignment,
// so the round trip must be exact (generator state and dedupe windows included).
import type { PricingSnapshot } from '@inplay/contracts';
import type { PlayerPriceState } from '@inplay/domain';

export type { PricingSnapshot };

export function toSnapshot(state: PlayerPriceState, commandPartition: number, commandOffset: number): PricingSnapshot {
  return {
    playerId: state.playerId,
    commandPartition,
    commandOffset,
    matchId: state.matchId,
    teamId: state.teamId,
    position: state.position,
    priceCents: state.priceCents,
    anchorPriceCents: state.anchorPriceCents,
    seq: state.seq,
    lockedUntil: state.lockedUntil,
    lastTickAt: state.lastTickAt,
    pendingDemandShares: state.pendingDemandShares,
    rngSeed: state.rng.seed,
    seenEventIds: [...state.seenEventIds],
    seenTradeIds: [...state.seenTradeIds],
    matchEndedAt: state.matchEndedAt,
  };
}

export function fromSnapshot(snapshot: PricingSnapshot): PlayerPriceState {
  return {
    status: 'pricing',
    playerId: snapshot.playerId,
    matchId: snapshot.matchId,
    teamId: snapshot.teamId,
    position: snapshot.position,
    priceCents: snapshot.priceCents,
    anchorPriceCents: snapshot.anchorPriceCents,
    seq: snapshot.seq,
    lockedUntil: snapshot.lockedUntil,
    lastTickAt: snapshot.lastTickAt,
    pendingDemandShares: snapshot.pendingDemandShares,
    rng: { seed: snapshot.rngSeed },
    seenEventIds: snapshot.seenEventIds,
    seenTradeIds: snapshot.seenTradeIds,
    matchEndedAt: snapshot.matchEndedAt,
  };
}
