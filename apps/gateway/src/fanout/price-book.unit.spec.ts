import { describe, expect, it } from 'vitest';
import { PriceBook } from './price-book';
import { latest, tick, ticks } from '../../test/fanout.fixtures';

describe('the price book', () => {
  it('takes the latest price from price.latest and advances it with newer ticks only', () => {
    const book = new PriceBook(4);
    expect(book.applyLatest(latest('p1', 10))).toBe(true);
    expect(book.applyLatest(latest('p1', 9))).toBe(false);
    expect(book.applyTick(tick('p1', 11))).toBe('advanced');
    expect(book.state('p1')).toMatchObject({ seq: 11, priceCents: 1_011 });
    expect(book.applyTick(tick('p1', 11))).toBe('duplicate');
    expect(book.state('p1')?.seq).toBe(11);
  });

  it('fills the ring with older ticks read at start without moving the latest price back', () => {
    const book = new PriceBook(8);
    book.applyLatest(latest('p1', 5));
    expect(ticks('p1', 2, 5).map((t) => book.applyTick(t))).toEqual(['history', 'history', 'history', 'history']);
    expect(book.state('p1')?.seq).toBe(5);
    expect(book.resume('p1', 2)).toEqual({ kind: 'replay', ticks: ticks('p1', 3, 5) });
  });

  it('reports a tick that skips seqs as advanced after a gap', () => {
    const book = new PriceBook(4);
    book.applyTick(tick('p1', 1));
    expect(book.applyTick(tick('p1', 3))).toBe('advanced-after-gap');
  });
});

describe('deciding a resume', () => {
  const book = new PriceBook(3);
  for (const t of ticks('p1', 1, 6)) book.applyTick(t);

  it('replays the missed ticks when the ring still holds them', () => {
    expect(book.resume('p1', 4)).toEqual({ kind: 'replay', ticks: ticks('p1', 5, 6) });
    expect(book.resume('p1', 3)).toEqual({ kind: 'replay', ticks: ticks('p1', 4, 6) });
  });

  it('sends nothing when the client is up to date (or ahead, from another gateway)', () => {
    expect(book.resume('p1', 6)).toEqual({ kind: 'up-to-date' });
    expect(book.resume('p1', 9)).toEqual({ kind: 'up-to-date' });
  });

  it('says gap, with the latest state, when the ring has moved past fromSeq + 1', () => {
    expect(book.resume('p1', 2)).toEqual({ kind: 'gap', latest: book.state('p1') });
  });

  it('says gap when the ring does not reach the latest price (bootstrapped from price.latest only)', () => {
    const fresh = new PriceBook(3);
    fresh.applyLatest(latest('p2', 10));
    expect(fresh.resume('p2', 9)).toMatchObject({ kind: 'gap' });
  });

  it('says unknown for a player without a price', () => {
    expect(book.resume('nobody', 0)).toEqual({ kind: 'unknown' });
  });
});
