import { describe, expect, it } from 'vitest';
import { PriceBook, SPARKLINE_POINTS, sparklinePoints } from './prices';

describe('the page price book', () => {
  it('applies ticks in seq order after a snapshot and remembers the previous price', () => {
    const book = new PriceBook();
    book.snapshot('messi', 1_000, 5, null, 0);
    expect(book.tick('messi', 1_100, 6, null, 10)).toBe('applied');
    expect(book.get('messi')).toMatchObject({ priceCents: 1_100, previousPriceCents: 1_000, seq: 6, changedAt: 10 });
  });

  it('reports a gap when the tick follows a seq it never saw, and ignores old ticks', () => {
    const book = new PriceBook();
    book.snapshot('messi', 1_000, 5, null, 0);
    expect(book.tick('messi', 1_200, 8, null, 1, 7)).toBe('gap');
    expect(book.tick('messi', 900, 5, null, 1, 4)).toBe('stale');
    expect(book.get('messi')?.seq).toBe(5);
  });

  it('accepts a conflated tick that skips seqs after the one it holds', () => {
    const book = new PriceBook();
    book.snapshot('messi', 1_000, 5, null, 0);
    expect(book.tick('messi', 1_200, 8, null, 1, 5)).toBe('applied');
    expect(book.get('messi')?.seq).toBe(8);
  });

  it('a tick for a player without a snapshot is a gap', () => {
    expect(new PriceBook().tick('x', 1, 1, null, 0)).toBe('gap');
  });

  it('keeps a bounded history for the sparkline', () => {
    const book = new PriceBook();
    book.snapshot('p', 100, 0, null, 0);
    for (let seq = 1; seq <= 100; seq++) book.tick('p', 100 + seq, seq, null, seq);
    expect(book.get('p')?.history).toHaveLength(SPARKLINE_POINTS);
    expect(book.get('p')?.history.at(-1)).toBe(200);
    expect(book.lastSeqs().get('p')).toBe(100);
  });

  it('draws a sparkline inside its box', () => {
    expect(sparklinePoints([1, 3, 2], 100, 10)).toBe('0.0,10.0 50.0,0.0 100.0,5.0');
    expect(sparklinePoints([5], 100, 10)).toBe('');
  });
});
