import { describe, expect, it } from 'vitest';
import { intOption } from './options';

describe('intOption', () => {
  it('reads an integer in range and leaves an absent option undefined', () => {
    expect(intOption('speed', '60', { min: 1, max: 200 })).toBe(60);
    expect(intOption('speed', undefined, { min: 1, max: 200 })).toBeUndefined();
  });

  it('names the option, the range and what it got', () => {
    for (const bad of ['0', '201', '1.5', 'x', '', ' ']) {
      expect(() => intOption('speed', bad, { min: 1, max: 200 })).toThrow(`--speed must be an integer in [1, 200], got ${JSON.stringify(bad)}`);
    }
  });
});
