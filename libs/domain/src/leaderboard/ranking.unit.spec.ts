import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareEntries, portfolioValueCents, rankBoard, rankOf, restrictToPlayers, type Portfolio } from './ranking';

const prices = new Map([['messi', 1_500], ['stuani', 900]]);
const priceOf = (id: string) => prices.get(id);
const portfolio = (userId: string, cashCents: number, holdings: [string, number][] = []): Portfolio => ({ userId, cashCents, holdings: new Map(holdings) });

describe('leaderboard ranking', () => {
  it('values a portfolio as cash plus holdings at the latest price', () => {
    expect(portfolioValueCents(portfolio('a', 1_000, [['messi', 2], ['stuani', 1]]), priceOf)).toBe(1_000 + 3_000 + 900);
  });

  it('ranks by value, breaking ties by user id, with shared ranks for equal values', () => {
    const board = rankBoard('overall', [portfolio('zoe', 5_000), portfolio('amy', 5_000), portfolio('bob', 2_000, [['messi', 3]]), portfolio('cat', 100)], priceOf);
    expect(board.entries).toEqual([
      { rank: 1, userId: 'bob', valueCents: 6_500 },
      { rank: 2, userId: 'amy', valueCents: 5_000 },
      { rank: 2, userId: 'zoe', valueCents: 5_000 },
      { rank: 4, userId: 'cat', valueCents: 100 },
    ]);
    expect(rankOf(board, 'zoe')?.rank).toBe(2);
    expect(board.totalUsers).toBe(4);
  });

  it('limits the entries listed but not the ranking', () => {
    const board = rankBoard('overall', [portfolio('a', 3), portfolio('b', 2), portfolio('c', 1)], priceOf, 2);
    expect(board.entries.map((e) => e.userId)).toEqual(['a', 'b']);
    expect(board.totalUsers).toBe(3);
  });

  it('restricts a portfolio to one match for the per-match board', () => {
    const p = restrictToPlayers(portfolio('a', 9_999, [['messi', 1], ['stuani', 2]]), new Set(['stuani']));
    expect(portfolioValueCents(p, priceOf)).toBe(1_800);
  });

  it('matches a brute-force ranking for any portfolios and prices (property)', () => {
    const arbPortfolio = fc.record({
      userId: fc.stringMatching(/^[a-z]{1,4}$/),
      cashCents: fc.integer({ min: 0, max: 1_000_000 }),
      holdings: fc.array(fc.tuple(fc.constantFrom('messi', 'stuani', 'pique'), fc.integer({ min: 0, max: 50 })), { maxLength: 3 }),
    });
    fc.assert(fc.property(fc.uniqueArray(arbPortfolio, { selector: (p) => p.userId, maxLength: 30 }), fc.integer({ min: 1, max: 5_000 }), (raw, stuaniPrice) => {
      const table = new Map([['messi', 1_500], ['stuani', stuaniPrice]]);
      const lookup = (id: string) => table.get(id);
      const portfolios = raw.map((r) => portfolio(r.userId, r.cashCents, r.holdings as [string, number][]));
      const board = rankBoard('b', portfolios, lookup);
      // Brute force: a user's rank is 1 + the number of users worth strictly more.
      for (const p of portfolios) {
        const mine = p.cashCents + [...p.holdings].reduce((sum, [id, q]) => sum + q * (table.get(id) ?? 0), 0);
        const better = portfolios.filter((o) => o.cashCents + [...o.holdings].reduce((s, [id, q]) => s + q * (table.get(id) ?? 0), 0) > mine).length;
        expect(rankOf(board, p.userId)).toEqual({ rank: better + 1, userId: p.userId, valueCents: mine });
      }
      for (let i = 1; i < board.entries.length; i++) expect(compareEntries(board.entries[i - 1]!, board.entries[i]!)).toBeLessThan(0);
    }));
  });
});
