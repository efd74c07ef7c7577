// How an order reads under "My orders": the fill, the refusal in the gateway's words, a voided fill as voided.
import { describe, expect, it } from 'vitest';
import { myOrderStatusText } from './render';

describe('myOrderStatusText', () => {
  it('says what a fill filled at', () => {
    expect(myOrderStatusText({ status: 'FILLED', fillPriceCents: 1234, reasonText: null })).toBe('Filled at €12.34');
  });
  it('says why a refusal, in the words it was given', () => {
    expect(myOrderStatusText({ status: 'REJECTED', fillPriceCents: null, reasonText: 'Not enough cash for this order' })).toBe('Refused: Not enough cash for this order');
  });
  it('marks a voided fill and the fill it reversed', () => {
    expect(myOrderStatusText({ status: 'VOIDED', fillPriceCents: 500, reasonText: 'Voided: something happened on the pitch before it filled' }))
      .toBe('Voided: something happened on the pitch before it filled (fill at €5.00 reversed)');
  });
  it('says a pending order waits', () => {
    expect(myOrderStatusText({ status: 'PENDING', fillPriceCents: null, reasonText: 'Waiting for its result' })).toBe('Pending…');
  });
});
