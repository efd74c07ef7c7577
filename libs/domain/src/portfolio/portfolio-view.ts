// A user's portfolio as shown to them: cash, and per player the shares held,
// the average cost (average-cost method, as the leaderboard's positions), the
// latest price, the value and the unrealised and realised P&L. Built from the
// user's fills in ledger order, so it always agrees with the ledger.
import { applyFillToPosition, emptyPosition, type TradingPosition } from '../leaderboard/standings';
import type { PriceLookup } from '../leaderboard/ranking';

export interface PortfolioFill {
  playerId: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  valueCents: number;
}

export interface PortfolioLine {
  playerId: string;
  quantity: number;
  /** Cost of the shares held / shares held, rounded down to a cent; the exact basis is costBasisCents. */
  averageCostCents: number | null;
  costBasisCents: number;
  latestPriceCents: number | null;
  valueCents: number;
  unrealisedPnlCents: number;
  realisedPnlCents: number;
}

export interface PortfolioView {
  cashCents: number;
  holdings: PortfolioLine[];
  holdingsValueCents: number;
  totalValueCents: number;
  unrealisedPnlCents: number;
  realisedPnlCents: number;
}

export function portfolioView(cashCents: number, fills: readonly PortfolioFill[], priceOf: PriceLookup): PortfolioView {
  const positions = new Map<string, TradingPosition>();
  for (const f of fills) {
    const p = positions.get(f.playerId) ?? emptyPosition();
    positions.set(f.playerId, p);
    applyFillToPosition(p, f.side, f.quantity, f.valueCents);
  }
  const holdings = [...positions]
    .filter(([, p]) => p.quantity > 0 || p.realisedPnlCents !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([playerId, p]): PortfolioLine => {
      const price = priceOf(playerId) ?? null;
      const valueCents = p.quantity * (price ?? 0);
      return {
        playerId, quantity: p.quantity, averageCostCents: p.quantity > 0 ? Math.floor(p.costBasisCents / p.quantity) : null, costBasisCents: p.costBasisCents,
        latestPriceCents: price, valueCents, unrealisedPnlCents: price === null ? 0 : valueCents - p.costBasisCents, realisedPnlCents: p.realisedPnlCents,
      };
    });
  const sum = (f: (l: PortfolioLine) => number) => holdings.reduce((s, l) => s + f(l), 0);
  const holdingsValueCents = sum((l) => l.valueCents);
  return {
    cashCents, holdings, holdingsValueCents, totalValueCents: cashCents + holdingsValueCents,
    unrealisedPnlCents: sum((l) => l.unrealisedPnlCents), realisedPnlCents: sum((l) => l.realisedPnlCents),
  };
}
