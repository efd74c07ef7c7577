// The page's view of live prices: latest price, seq, lock and a short history
// per player. Applying a tick whose seq does not follow says so, so the socket
// can ask the gateway to resume from the last seq it has.

export const SPARKLINE_POINTS = 40;

export interface PlayerPrice {
  playerId: string;
  priceCents: number;
  previousPriceCents: number;
  seq: number;
  lockedUntil: number | null;
  history: number[];
  /** When the last change arrived (page clock), for the flash. */
  changedAt: number;
}

export type ApplyOutcome = 'applied' | 'stale' | 'gap';

export class PriceBook {
  private readonly prices = new Map<string, PlayerPrice>();

  get(playerId: string): PlayerPrice | undefined {
    return this.prices.get(playerId);
  }

  all(): PlayerPrice[] {
    return [...this.prices.values()];
  }

  /** The last seq seen per player, for `resume` after a reconnect. */
  lastSeqs(): Map<string, number> {
    return new Map([...this.prices].map(([id, p]) => [id, p.seq]));
  }

  snapshot(playerId: string, priceCents: number, seq: number, lockedUntil: number | null, nowMs: number): void {
    const known = this.prices.get(playerId);
    if (known && known.seq > seq) return;
    const history = known ? [...known.history, priceCents].slice(-SPARKLINE_POINTS) : [priceCents];
    this.prices.set(playerId, {
      playerId, priceCents, seq, lockedUntil,
      previousPriceCents: known?.priceCents ?? priceCents,
      history,
      changedAt: known && known.priceCents !== priceCents ? nowMs : known?.changedAt ?? 0,
    });
  }

  /**
   * Applies a tick. Each tick names the seq of the message before it in its
   * stream (`prevSeq`): a conflated stream skips seqs on purpose, so only a
   * `prevSeq` beyond the seq we hold is a gap the caller must repair (protocol v1).
   */
  tick(playerId: string, priceCents: number, seq: number, lockedUntil: number | null, nowMs: number, prevSeq: number = seq - 1): ApplyOutcome {
    const known = this.prices.get(playerId);
    if (!known) return 'gap';
    if (seq <= known.seq) return 'stale';
    if (prevSeq > known.seq) return 'gap';
    this.prices.set(playerId, {
      playerId, priceCents, seq, lockedUntil,
      previousPriceCents: known.priceCents,
      history: [...known.history, priceCents].slice(-SPARKLINE_POINTS),
      changedAt: priceCents !== known.priceCents ? nowMs : known.changedAt,
    });
    return 'applied';
  }
}

/** SVG polyline points for a sparkline of `values` in a width × height box. */
export function sparklinePoints(values: number[], width: number, height: number): string {
  if (values.length < 2) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  return values
    .map((v, i) => `${((i / (values.length - 1)) * width).toFixed(1)},${(height - ((v - min) / span) * height).toFixed(1)}`)
    .join(' ');
}
