// The gateway's memory of prices: per player the latest state (bootstrapped
// from price.latest, advanced by price.ticks) and a bounded ring of recent
// ticks for resume. Snapshots and replays are served from here, never from
// Kafka or Postgres. Pure: no clock, no I/O.
import type { LatestPrice, PriceTick } from '@inplay/contracts';
import type { PriceState } from '../protocol/server-messages';
import { SeqRing } from './seq-ring';

/**
 * advanced: a new latest price (publish it); advanced-after-gap: the same,
 * but seqs before it never reached this gateway; history: an older tick that
 * only fills the ring; duplicate: already seen.
 */
export type TickOutcome = 'advanced' | 'advanced-after-gap' | 'history' | 'duplicate';

export type ResumeDecision =
  | { kind: 'unknown' }
  | { kind: 'up-to-date' }
  | { kind: 'replay'; ticks: PriceTick[] }
  | { kind: 'gap'; latest: PriceState };

interface PlayerEntry {
  state: PriceState | undefined;
  lastTick: PriceTick | undefined;
  ring: SeqRing<PriceTick>;
}

/**
 * What a client that holds `fromSeq` needs: nothing, the ticks after it from
 * the ring, or — when the ring does not reach back that far or does not reach
 * the latest seq — a fresh snapshot marked as a gap.
 */
export function decideResume(fromSeq: number, latest: PriceState | undefined, ring: SeqRing<PriceTick> | undefined): ResumeDecision {
  if (!latest) return { kind: 'unknown' };
  if (fromSeq >= latest.seq) return { kind: 'up-to-date' };
  if (!ring || ring.lastSeq !== latest.seq) return { kind: 'gap', latest };
  const ticks = ring.after(fromSeq);
  return ticks === null ? { kind: 'gap', latest } : { kind: 'replay', ticks };
}

export class PriceBook {
  private readonly players = new Map<string, PlayerEntry>();

  constructor(readonly ringBufferTicksPerPlayer: number) {}

  get size(): number {
    return this.players.size;
  }

  /** Bootstrap from the compacted topic: takes the record when it is newer than what we hold. */
  applyLatest(latest: LatestPrice): boolean {
    const entry = this.entry(latest.playerId);
    if (entry.state && entry.state.seq >= latest.seq) return false;
    entry.state = { player: latest.playerId, priceCents: latest.priceCents, seq: latest.seq, lockedUntil: latest.lockedUntil, updatedAt: latest.updatedAt };
    return true;
  }

  applyTick(tick: PriceTick): TickOutcome {
    const entry = this.entry(tick.playerId);
    const inRing = entry.ring.push(tick);
    const previousSeq = entry.state?.seq;
    if (previousSeq !== undefined && tick.seq <= previousSeq) return inRing === 'duplicate' ? 'duplicate' : 'history';
    entry.state = { player: tick.playerId, priceCents: tick.priceCents, seq: tick.seq, lockedUntil: tick.lockedUntil, updatedAt: tick.tickedAt };
    entry.lastTick = tick;
    return previousSeq !== undefined && tick.seq > previousSeq + 1 ? 'advanced-after-gap' : 'advanced';
  }

  state(player: string): PriceState | undefined {
    return this.players.get(player)?.state;
  }

  /** The tick that produced the latest state (undefined when it came from price.latest). */
  lastTick(player: string): PriceTick | undefined {
    return this.players.get(player)?.lastTick;
  }

  *states(): IterableIterator<PriceState> {
    for (const entry of this.players.values()) if (entry.state) yield entry.state;
  }

  resume(player: string, fromSeq: number): ResumeDecision {
    const entry = this.players.get(player);
    return decideResume(fromSeq, entry?.state, entry?.ring);
  }

  private entry(player: string): PlayerEntry {
    let entry = this.players.get(player);
    if (!entry) {
      entry = { state: undefined, lastTick: undefined, ring: new SeqRing<PriceTick>(this.ringBufferTicksPerPlayer) };
      this.players.set(player, entry);
    }
    return entry;
  }
}
