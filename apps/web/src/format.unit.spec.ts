import { describe, expect, it } from 'vitest';
import { matchClock, money, percentChange, reasonText, secondsLeft, signedMoney } from './format';

describe('formatting for fans', () => {
  it('shows cents as euros', () => {
    expect(money(1_250)).toBe('€12.50');
    expect(signedMoney(-305)).toBe('−€3.05');
    expect(signedMoney(5)).toBe('+€0.05');
  });

  it('counts a lock down in whole seconds and never below zero', () => {
    expect(secondsLeft(10_500, 10_000)).toBe(1);
    expect(secondsLeft(52_000, 10_000)).toBe(42);
    expect(secondsLeft(9_000, 10_000)).toBe(0);
    expect(secondsLeft(null, 10_000)).toBe(0);
  });

  it('says why an order was rejected in words, with the time a lock lifts', () => {
    expect(reasonText('TRADE_LOCKED', 41_200)).toBe('Trading on this player is locked for 42 s');
    expect(reasonText('INSUFFICIENT_FUNDS')).toBe('Not enough cash for this order');
    expect(reasonText('LIMIT_NOT_MET')).toBe('The price moved past your limit');
    expect(reasonText('SOMETHING_NEW')).toBe('Rejected (SOMETHING_NEW)');
  });

  it('shows the match clock across halves and price changes as percentages', () => {
    expect(matchClock(754_000, 1)).toBe("12'34");
    expect(matchClock(60_000, 2)).toBe("46'00");
    expect(percentChange(1_000, 1_150)).toBe('+15.0%');
    expect(percentChange(1_000, 900)).toBe('−10.0%');
  });
});
